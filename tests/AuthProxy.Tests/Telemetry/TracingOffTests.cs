using System.Diagnostics;
using System.Net;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace AuthProxy.Tests.Telemetry;

/// <summary>
/// With nothing exporting traces, no span is recorded (they would cost every request), and the
/// client's trace still reaches the backend. Alone: activity listeners are process-wide, so another
/// test's tracer would record this proxy's spans and make the test client start traces of its own.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class TracingOffTests : IAsyncLifetime
{
    private readonly BackendProcess _backend = new();

    public Task InitializeAsync() => _backend.InitializeAsync();

    public Task DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task SpansAreNotRecorded_UnlessExportedOrAskedFor_AndTheClientsTraceStillReachesTheBackend()
    {
        var spans = new List<Activity>();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(_backend.BaseAddress), configure: builder =>
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        var request = Http.Get("/restpp/query/social/q", token);
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        using var allowed = await proxy.Client.SendAsync(request);
        using var refused = await proxy.Client.SendAsync(Http.Get("/restpp/query/finance/q", token));
        using var fresh = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var forwarded = (await allowed.EchoAsync()).GetProperty("headers").GetProperty("traceparent").GetString()!;
        Assert.Equal(TraceId, forwarded.Split('-')[1]); // the client's trace, continued
        // A request that came without one is forwarded with a trace of its own.
        var started = (await fresh.EchoAsync()).GetProperty("headers").GetProperty("traceparent").GetString()!;
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", started);
        Assert.NotEqual(TraceId, started.Split('-')[1]);
        Assert.Empty(spans);
    }
}
