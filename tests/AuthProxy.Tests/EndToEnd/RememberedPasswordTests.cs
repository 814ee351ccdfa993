using System.Net;
using System.Text.RegularExpressions;
using AuthProxy.Tests.Common;
using AuthProxy.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A verified password is remembered for <see cref="PasswordVerifier.RememberFor"/> so Basic
/// requests do not pay a hash each; the memory holds for that exact password only, and for that
/// long only, on the proxy's clock.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RememberedPasswordTests(BackendProcess backend)
{
    [Fact]
    public async Task ARememberedPassword_SavesTheHash_ForThatPasswordAndThatLongOnly()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time);
        using var hashes = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.password.hashes");

        async Task<HttpStatusCode> SendAsync(string password)
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", password));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync(TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(TestUsers.KevinPassword));
        Assert.Equal(1, hashes.GetMeasurementSnapshot().Sum(m => m.Value)); // the second was remembered

        // Another password is never answered from the memory of the right one.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(TestUsers.KevinPassword + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(TestUsers.KevinPassword[..^1]));
        Assert.Equal(3, hashes.GetMeasurementSnapshot().Sum(m => m.Value));

        time.Advance(PasswordVerifier.RememberFor - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(TestUsers.KevinPassword));
        Assert.Equal(3, hashes.GetMeasurementSnapshot().Sum(m => m.Value));

        time.Advance(TimeSpan.FromSeconds(2)); // past RememberFor since the hash: hashed again
        Assert.Equal(HttpStatusCode.OK, await SendAsync(TestUsers.KevinPassword));
        Assert.Equal(4, hashes.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    /// <summary>
    /// Both doors that take a password (Basic on any route, and GridGain's login) share the
    /// memory: after one correct login, a wrong password, a prefix of the right one, or the right
    /// one under another user's name is still refused on each.
    /// </summary>
    [Fact]
    public async Task AfterOneCorrectLogin_OnlyThatUsersExactPassword_IsRemembered_OnEveryPasswordDoor()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

        async Task<HttpStatusCode> BasicAsync(string user, string password)
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic(user, password));
            return response.StatusCode;
        }

        async Task<HttpStatusCode> GsqlAsync(string user, string password)
        {
            using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic(user, password));
            return response.StatusCode;
        }

        async Task<HttpStatusCode> GridGainAsync(string user, string password)
        {
            using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = user, password }));
            return response.StatusCode;
        }

        foreach (var door in new Func<string, string, Task<HttpStatusCode>>[] { BasicAsync, GsqlAsync, GridGainAsync })
        {
            Assert.Equal(HttpStatusCode.OK, await door("kevin", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.OK, await door("tigergraph", TestUsers.TigerGraphPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, await door("kevin", "not-" + TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, await door("kevin", TestUsers.KevinPassword[..^1]));
            Assert.Equal(HttpStatusCode.Unauthorized, await door("kevin", TestUsers.TigerGraphPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, await door("tigergraph", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.OK, await door("kevin", TestUsers.KevinPassword));
        }
    }

    /// <summary>A changed password in the users file ends the memory of the old one at once, long before <see cref="PasswordVerifier.RememberFor"/>.</summary>
    [Fact]
    public async Task APasswordChange_EndsTheMemoryOfTheOldPassword()
    {
        const string NewPassword = "kevin-new-password";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

        async Task<HttpStatusCode> SendAsync(string user, string password)
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic(user, password));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync("kevin", TestUsers.KevinPassword)); // remembered from now on
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync("kevin", NewPassword));

        // kevin's hash changes, and tokenonly loses graph social: that shows when the file has been read
        // again, with no password request until then.
        var newHash = TestUsers.Pbkdf2(NewPassword);
        var changed = Regex.Replace(TestUsers.Json(), "(\"kevin\": \\{ \"PasswordHash\": \")[^\"]+", m => m.Groups[1].Value + newHash)
            .Replace("\"tokenonly\": { \"Graphs\": { \"social\"", "\"tokenonly\": { \"Graphs\": { \"other\"", StringComparison.Ordinal);
        Assert.Contains(newHash, changed, StringComparison.Ordinal);
        Assert.Contains("\"tokenonly\": { \"Graphs\": { \"other\"", changed, StringComparison.Ordinal);
        var probe = TestTokens.Hs256(TestTokens.Claims("tokenonly", "social"));
        using (var before = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", probe)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, changed);
        await ProxyHost.EventuallyAsync(async () =>
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", probe));
            return response.StatusCode == HttpStatusCode.Forbidden;
        }, "the edited users file is read");

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("kevin", NewPassword));
    }
}
