using AuthProxy.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace AuthProxy.Tests.Hosting;

/// <summary>Features read and set through the collection's indexer answer as Get and Set do.</summary>
public sealed class RequestFeaturesTests
{
    private sealed class Authentication : IHttpAuthenticationFeature
    {
        public System.Security.Claims.ClaimsPrincipal? User { get; set; }
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
}
