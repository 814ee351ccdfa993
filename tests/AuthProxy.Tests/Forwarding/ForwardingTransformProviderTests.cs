using System.Collections.Frozen;
using System.Net;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Forwarding;
using AuthProxy.Policy;
using AuthProxy.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AuthProxy.Tests.Forwarding;

/// <summary>
/// The request transforms of a route as YARP builds them with AuthProxy's provider, run on a
/// request: what the backend is sent, in the order it is sent.
/// </summary>
public sealed class ForwardingTransformProviderTests
{
    private static readonly ClusterConfig Cluster = new()
    {
        ClusterId = "c",
        Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = "http://backend.internal:9000" } },
    };

    private static async Task<HttpRequestMessage> ForwardAsync(IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms, bool allowed,
        params (string Name, string Value)[] headers)
    {
        var services = new ServiceCollection();
        services.AddLogging().AddOptions<EnforcementOptions>();
        services.AddReverseProxy().AddTransforms<ForwardingTransformProvider>();
        await using var provider = services.BuildServiceProvider();
        var route = new RouteConfig { RouteId = "r", ClusterId = "c", Match = new RouteMatch { Path = "/{**rest}" }, Transforms = transforms };
        var transformer = provider.GetRequiredService<ITransformBuilder>().Build(route, Cluster);

        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("proxy.example");
        http.Request.Path = "/restpp/query/social/q";
        http.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.7");
        foreach (var (name, value) in headers)
        {
            http.Request.Headers.Append(name, value);
        }

        if (allowed)
        {
            var kevin = new User("kevin", null, new Dictionary<string, FrozenSet<string>>(), FrozenSet<string>.Empty);
            var policy = new AuthPolicyDefinition("p", ["Bearer"], graph: null, privileges: [], ErrorStyle.Restpp, forwardAuthorization: false);
            var decision = RequestDecision.Create(startedAt: null, route: "r").AttachTo(http);
            decision.Allowed = new ForwardedIdentity(new CallerIdentity(kevin, AuthSchemes.Bearer, "social", null, "eyJh****abcd"), "social", policy);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, "http://backend.internal:9000/restpp/query/social/q");
        await transformer.TransformRequestAsync(http, request, "http://backend.internal:9000", CancellationToken.None);
        return request;
    }

    private static string[] Names(HttpRequestMessage request) => [.. request.Headers.Select(h => h.Key)];

    [Fact]
    public async Task TheIdentityComesAfterYarpsForwardedHeaders_AndTheClientsCredentialIsGone()
    {
        var request = await ForwardAsync(transforms: null, allowed: true, ("Authorization", "Bearer eyJh.client.token"), ("Accept", "*/*"),
            ("X-Forwarded-For", "203.0.113.66"));

        Assert.Equal(["Accept", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", IdentityHeaders.User, IdentityHeaders.Scheme, IdentityHeaders.Graph],
            Names(request));
        Assert.Equal("198.51.100.7", request.Headers.GetValues("X-Forwarded-For").Single()); // the client's own claim was not kept
        Assert.Equal("proxy.example", request.Headers.GetValues("X-Forwarded-Host").Single());
        Assert.Equal("https", request.Headers.GetValues("X-Forwarded-Proto").Single());
        Assert.Equal("kevin", request.Headers.GetValues(IdentityHeaders.User).Single());
        Assert.Null(request.Headers.Host); // YARP's default: the destination's host, not the client's
    }

    [Fact]
    public async Task ARoutesOwnForwardedAndHostRules_StillHold()
    {
        var off = await ForwardAsync([new Dictionary<string, string> { ["X-Forwarded"] = "Off" }], allowed: true);
        Assert.Equal([IdentityHeaders.User, IdentityHeaders.Scheme, IdentityHeaders.Graph], Names(off));

        var appended = await ForwardAsync([new Dictionary<string, string> { ["X-Forwarded"] = "Append" }], allowed: false,
            ("X-Forwarded-Proto", "http"));
        Assert.Equal("https", appended.Headers.GetValues("X-Forwarded-Proto").Single()); // the client's is stripped before YARP appends
        Assert.Equal("198.51.100.7", appended.Headers.GetValues("X-Forwarded-For").Single());

        var original = await ForwardAsync([new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }], allowed: false);
        Assert.Equal("proxy.example", original.Headers.Host);
        Assert.Equal(["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"], Names(original).Where(n => n != "Host"));
    }

    [Fact]
    public async Task AnOperatorsAuthorization_IsRemovedToo_WhenThePolicyDoesNotForwardIt()
    {
        var request = await ForwardAsync([new Dictionary<string, string> { ["RequestHeader"] = "Authorization", ["Set"] = "Basic b3BlcmF0b3I6c2VjcmV0" }],
            allowed: true, ("Authorization", "Bearer eyJh.client.token"));

        Assert.Null(request.Headers.Authorization);
        Assert.Contains(IdentityHeaders.User, Names(request));
    }
}
