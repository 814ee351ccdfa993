using System.Text;
using AuthProxy.Errors;
using AuthProxy.Routing;
using AuthProxy.Tests.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Tests.Routing;

/// <summary>
/// The style a refusal is written in, decided when something refuses: before routing, on
/// AuthProxy's own endpoints, on YARP's routes by their policy, and after a fault has cleared the endpoint.
/// </summary>
public sealed class RequestErrorStyleTests
{
    private static async Task<IServiceProvider> ServicesAsync(string defaultStyle)
    {
        var provider = RoutesFileReaderTests.CreateServices();
        var routes = TestRoutes.Standard(new Uri("http://127.0.0.1:9000/"),
            extraPolicies: $$""", "default": { "ErrorStyle": "{{defaultStyle}}" }""");
        var (snapshot, problems) = await new RoutesFileReader(provider.GetRequiredService<IConfigValidator>()).ReadAsync(Encoding.UTF8.GetBytes(routes), enableAuth: true);
        Assert.Empty(problems);
        provider.GetRequiredService<ActiveRoutes>().Swap(snapshot!);
        return provider;
    }

    private static Endpoint RouteEndpoint(IServiceProvider services, string routeId)
    {
        var config = services.GetRequiredService<ActiveRoutes>().Current.Routes.Single(r => r.RouteId == routeId);
        return new Endpoint(null, new EndpointMetadataCollection(new RouteModel(config, null, Yarp.ReverseProxy.Forwarder.HttpTransformer.Empty)), routeId);
    }

    private static Endpoint OwnEndpoint(ErrorStyle style) =>
        new(null, new EndpointMetadataCollection(new ErrorStyleMetadata(style)), "an AuthProxy endpoint");

    [Theory]
    [InlineData("Problem", ErrorStyle.Problem)]
    [InlineData("Restpp", ErrorStyle.Restpp)]
    public async Task BeforeARouteIsKnown_TheDefaultPolicysStyle(string configured, ErrorStyle expected)
    {
        var context = new DefaultHttpContext { RequestServices = await ServicesAsync(configured) };

        Assert.Equal(expected, RequestErrorStyle.Of(context));

        // An endpoint routing made up (405) carries neither kind of metadata: the default still.
        context.SetEndpoint(new Endpoint(null, EndpointMetadataCollection.Empty, "405 HTTP Method Not Supported"));
        Assert.Equal(expected, RequestErrorStyle.Of(context));
    }

    [Fact]
    public async Task AYarpRoute_HasItsPolicysStyle_AndAnAnonymousRouteTheDefault()
    {
        var services = await ServicesAsync("Restpp");
        var context = new DefaultHttpContext { RequestServices = services };

        context.SetEndpoint(RouteEndpoint(services, "management"));
        Assert.Equal(ErrorStyle.Problem, RequestErrorStyle.Of(context));

        context.SetEndpoint(RouteEndpoint(services, "restpp-echo"));
        Assert.Equal(ErrorStyle.Restpp, RequestErrorStyle.Of(context));
    }

    [Fact]
    public async Task AnAuthProxyEndpoint_HasItsOwnStyle_WhateverTheDefault()
    {
        var context = new DefaultHttpContext { RequestServices = await ServicesAsync("Restpp") };
        context.SetEndpoint(OwnEndpoint(ErrorStyle.Problem));

        Assert.Equal(ErrorStyle.Problem, RequestErrorStyle.Of(context));
    }

    [Fact]
    public async Task AFault_KeepsTheStyleOfTheEndpointItHappenedOn()
    {
        var services = await ServicesAsync("Restpp");
        foreach (var endpoint in new[] { OwnEndpoint(ErrorStyle.Problem), RouteEndpoint(services, "management") })
        {
            // The exception handler clears the request's endpoint and keeps it on its feature.
            var context = new DefaultHttpContext { RequestServices = services };
            context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = new InvalidOperationException("x"), Endpoint = endpoint, Path = "/" });

            Assert.Null(context.GetEndpoint());
            Assert.Equal(ErrorStyle.Problem, RequestErrorStyle.Of(context));
        }
    }

    [Fact]
    public async Task TheWrittenBody_IsInTheDecidedStyle()
    {
        var services = await ServicesAsync("Restpp");
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(RouteEndpoint(services, "management"));

        await RefusalWriter.WriteAsync(context, new Refusal(RefusalKind.Privilege, "no"));

        Assert.Equal("application/problem+json", context.Response.ContentType);
    }
}
