using System.Net;
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
}
