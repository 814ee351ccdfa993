using System.Net;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Routes and users change without a restart; a broken edit changes nothing.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReloadTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private async Task<HttpStatusCode> StatusAsync(HttpRequestMessage request)
    {
        using var response = await _proxy.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task RoutesChange_IsPickedUp_WithoutRestart()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/echo/x")));

        // The echo route now needs a credential.
        var edited = TestRoutes.Standard(backend.BaseAddress).Replace(
            "\"restpp-echo\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"anonymous\"",
            "\"restpp-echo\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"default\"", StringComparison.Ordinal);
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, edited);

        await ProxyHost.EventuallyAsync(async () => await StatusAsync(Http.Get("/restpp/echo/x")) == HttpStatusCode.Unauthorized,
            "the echo route requires a credential");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/echo/x").WithBasic("kevin", TestUsers.KevinPassword)));
    }

    [Fact]
    public async Task PolicyChange_AloneIsPickedUp()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/query/social/q", token)));

        // Only the policy changes (the route is untouched): READ_DATA becomes WRITE_DATA.
        var edited = TestRoutes.Standard(backend.BaseAddress).Replace(
            "\"Graph\": \"route:graph\", \"Privileges\": [ \"READ_DATA\" ], \"ErrorStyle\": \"Restpp\"",
            "\"Graph\": \"route:graph\", \"Privileges\": [ \"WRITE_DATA\" ], \"ErrorStyle\": \"Restpp\"", StringComparison.Ordinal);
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, edited);

        await ProxyHost.EventuallyAsync(async () => await StatusAsync(Http.Get("/restpp/query/social/q", token)) == HttpStatusCode.Forbidden,
            "the changed policy applies");
    }

    [Fact]
    public async Task BrokenRoutesEdit_IsRefused_EveryProblemLogged_LastGoodStays()
    {
        var broken = TestRoutes.Standard(backend.BaseAddress)
            .Replace("\"AuthorizationPolicy\": \"anonymous\"", "\"AuthorizationPolicy\": \"no-such-policy\"", StringComparison.Ordinal)
            .Replace("\"Graph\": \"query:graph\"", "\"Graph\": \"cookie:graph\"", StringComparison.Ordinal);
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, broken);

        await ProxyHost.EventuallyAsync(() => Task.FromResult(_proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1004)), "the refusal is logged");
        var problems = _proxy.Logs.GetSnapshot().Where(r => r.Id.Id == 1003).Select(r => r.Message).ToList();
        Assert.Contains(problems, p => p.Contains("no-such-policy", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("cookie:graph", StringComparison.Ordinal));
        Assert.All(_proxy.Logs.GetSnapshot().Where(r => r.Id.Id is 1003 or 1004), r => Assert.Equal(LogLevel.Error, r.Level));

        // The anonymous echo route still answers, as before the edit.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/echo/x")));

        // Invalid JSON is refused too.
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, "{ \"ReverseProxy\": ");
        await ProxyHost.EventuallyAsync(() => Task.FromResult(_proxy.Logs.GetSnapshot().Count(r => r.Id.Id == 1004) >= 2), "the second refusal is logged");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/echo/x")));
    }

    [Fact]
    public async Task UsersChange_IsPickedUp_AndBrokenEditKeepsLastGood()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Http.Get("/restpp/query/social/q", token)));

        // kevin loses his grant on social.
        var edited = TestUsers.Json().Replace("\"Graphs\": { \"social\": [ \"READ_DATA\" ] }", "\"Graphs\": { \"other\": [ \"READ_DATA\" ] }", StringComparison.Ordinal);
        Assert.NotEqual(TestUsers.Json(), edited);
        await ProxyHost.ReplaceFileAsync(_proxy.UsersPath, edited);
        await ProxyHost.EventuallyAsync(async () => await StatusAsync(Http.Get("/restpp/query/social/q", token)) == HttpStatusCode.Forbidden,
            "kevin's grant is gone");

        // A plain-text password is refused whole: kevin keeps the state of the last good file.
        await ProxyHost.ReplaceFileAsync(_proxy.UsersPath, TestUsers.Json().Replace("\"PasswordHash\"", "\"Password\"", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(_proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1203)), "the refusal is logged");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(Http.Get("/restpp/query/social/q", token)));
        Assert.Contains(_proxy.Logs.GetSnapshot(), r => r.Id.Id == 1202 && r.Message.Contains("plain-text passwords are not accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedUser_TokensStopWorking()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var edited = TestUsers.Json();
        var start = edited.IndexOf("\"kevin\"", StringComparison.Ordinal);
        var end = edited.IndexOf("\"tokenonly\"", StringComparison.Ordinal);
        await ProxyHost.ReplaceFileAsync(_proxy.UsersPath, edited[..start] + edited[end..]);

        await ProxyHost.EventuallyAsync(async () =>
        {
            using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
            return response.StatusCode == HttpStatusCode.Unauthorized && (await response.JsonAsync()).GetProperty("reason").GetString() == "unknown-user";
        }, "kevin is unknown");
    }
}
