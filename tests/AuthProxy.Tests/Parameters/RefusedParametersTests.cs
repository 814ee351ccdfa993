using AuthProxy.Parameters;

namespace AuthProxy.Tests.Parameters;

public sealed class RefusedParametersTests
{
    [Fact]
    public void Default_RefusesTheMethodOverrides() =>
        Assert.Equal(["_method", "X-HTTP-Method-Override"], [.. RefusedParameters.Default.Names]);

    [Fact]
    public void Route_AddsNames_KeepingTheDefaults()
    {
        var route = RefusedParameters.ForRoute(new Dictionary<string, string> { ["authproxy.refuseparameters"] = " debug , tenant_id " });

        Assert.Equal(["_method", "X-HTTP-Method-Override", "debug", "tenant_id"], [.. route.Names]);
        Assert.True(route.HasRouteNames);
        Assert.Same(RefusedParameters.Default, RefusedParameters.ForRoute(new Dictionary<string, string> { ["Other"] = "x" }));
    }

    [Theory]
    [InlineData("debug", null)]
    [InlineData("debug, $format, a.b", null)]
    [InlineData("debug,", "an entry is empty")]
    [InlineData("a b", "'a b' is not a parameter name")]
    [InlineData("a=b", "'a=b' is not a parameter name")]
    [InlineData("a&b", "'a&b' is not a parameter name")]
    [InlineData("a[]", "'a[]' is not a parameter name")]
    public void Validate_ReportsEachBadEntry(string value, string? problem)
    {
        var problems = RefusedParameters.Validate(value);

        if (problem is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problem, Assert.Single(problems), StringComparison.Ordinal);
        }
    }
}
