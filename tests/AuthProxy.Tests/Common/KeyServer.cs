using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.Common;

/// <summary>
/// A real HTTPS server standing in for an identity provider: each path answers as the test says,
/// and every request is counted.
/// </summary>
public sealed class KeyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private KeyServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<KeyServer> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        KeyServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new KeyServer(app, new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/"));
        return server;
    }

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    public int Hits(string path) => _hits.GetValueOrDefault("/" + path.TrimStart('/'));

    public void Serve(string path, Func<HttpContext, Task> handler) => _handlers["/" + path.TrimStart('/')] = handler;

    public void Serve(string path, string body, string contentType = "application/json", int status = 200) =>
        Serve(path, async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });

    public void Fail(string path, int status) => Serve(path, context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    });

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_handlers.TryGetValue(path, out var handler))
        {
            return handler(context);
        }

        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
