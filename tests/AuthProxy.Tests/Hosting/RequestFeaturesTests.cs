using System.Net;
using System.Security.Claims;
using AuthProxy.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AuthProxy.Tests.Hosting;

/// <summary>Features read and set through the collection's indexer answer as Get and Set do.</summary>
public sealed class RequestFeaturesTests
{
    private sealed class Authentication : IHttpAuthenticationFeature, IAuthenticateResultFeature
    {
        public ClaimsPrincipal? User { get; set; }

        public AuthenticateResult? AuthenticateResult { get; set; }
    }

    [Fact]
    public void Find_ReadsWhatSetPut_AndTheDefaultsBehind()
    {
        var connection = new FeatureCollection();
        var connectionFeature = new Authentication();
        connection.Set<IHttpAuthenticationFeature>(connectionFeature);
        var request = new FeatureCollection(connection);

        Assert.Same(connectionFeature, request.Find<IHttpAuthenticationFeature>()); // falls back as Get does
        Assert.Null(request.Find<IHttpRequestFeature>());

        var own = new Authentication();
        request.Set<IHttpAuthenticationFeature>(own);
        Assert.Same(own, request.Find<IHttpAuthenticationFeature>());
    }

    [Fact]
    public void Put_IsAChangeOfTheCollection_AndNullRemoves()
    {
        var request = new FeatureCollection();
        var revision = request.Revision;
        var own = new Authentication();

        request.Put<IHttpAuthenticationFeature>(own);
        Assert.True(request.Revision > revision); // the request's feature caches fetch again
        Assert.Same(own, request.Get<IHttpAuthenticationFeature>());

        request.Put<IHttpAuthenticationFeature>(null);
        Assert.Null(request.Get<IHttpAuthenticationFeature>());
    }

    /// <summary>Kestrel's own collection, the one requests run on, over HTTP/1.1 and HTTP/2 on one connection.</summary>
    [Theory]
    [InlineData(HttpProtocols.Http1)]
    [InlineData(HttpProtocols.Http2)]
    public async Task OnKestrel_FindAndPutAnswerAsGetAndSet_AndEveryRequestStartsWithoutAnAuthenticationFeature(HttpProtocols protocols)
    {
        var problems = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        await using var app = builder.Build();
        app.Run(async context =>
        {
            var features = context.Features;
            void Check(bool holds, string what)
            {
                if (!holds)
                {
                    lock (problems)
                    {
                        problems.Add(what);
                    }
                }
            }

            Check(features.Find<IHttpAuthenticationFeature>() is null, "an authentication feature at the request's start");
            Check(features.Find<IAuthenticateResultFeature>() is null, "a result feature at the request's start");
            Check(ReferenceEquals(features.Find<IHttpRequestFeature>(), features.Get<IHttpRequestFeature>()), "the request feature");
            Check(ReferenceEquals(features.Find<IHttpRequestBodyDetectionFeature>(), features.Get<IHttpRequestBodyDetectionFeature>()), "body detection");
            Check(features.Find<IConnectionIdFeature>() is { } connection && ReferenceEquals(connection, features.Get<IConnectionIdFeature>()),
                "the connection's feature, found behind the request's");

            _ = context.User; // the context makes and caches a feature of its own
            var own = new Authentication { User = new ClaimsPrincipal(new ClaimsIdentity("test")) };
            var revision = features.Revision;
            features.Put<IHttpAuthenticationFeature>(own);
            Check(features.Revision > revision, "no change counted for a kind Kestrel knows");
            Check(ReferenceEquals(context.User, own.User), "HttpContext.User not the one put");

            revision = features.Revision;
            features.Put<IAuthenticateResultFeature>(own);
            Check(features.Revision > revision, "no change counted for another kind");
            Check(ReferenceEquals(features.Get<IAuthenticateResultFeature>(), own), "the result feature put");
            features.Put<IAuthenticateResultFeature>(null);
            Check(features.Get<IAuthenticateResultFeature>() is null, "null did not remove");
            features.Put<IAuthenticateResultFeature>(own); // left for the connection's next request to not see
            await context.Response.WriteAsync("ok");
        });
        await app.StartAsync();

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 })
        {
            BaseAddress = new Uri(app.Urls.First()),
            DefaultRequestVersion = protocols == HttpProtocols.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await app.StopAsync();
        Assert.Empty(problems);
    }
}
