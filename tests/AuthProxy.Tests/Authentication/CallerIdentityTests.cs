using System.Collections.Frozen;
using System.Security.Claims;
using AuthProxy.Authentication;
using AuthProxy.Users;

namespace AuthProxy.Tests.Authentication;

/// <summary>The caller is found on the principal AuthProxy made, and on any other that holds it.</summary>
public sealed class CallerIdentityTests
{
    private static CallerIdentity Caller(string name) =>
        new(new User(name, passwordHash: null, new Dictionary<string, FrozenSet<string>>(), FrozenSet<string>.Empty), AuthSchemes.Bearer,
            tokenGraph: "social", tokenId: null, maskedCredential: "eyJh****abcd");

    [Fact]
    public void TheCallersOwnPrincipal_IsMadeOnce_AndGivesTheCallerBack()
    {
        var caller = Caller("kevin");

        Assert.Same(caller.Principal, caller.Principal);
        Assert.Same(caller, CallerIdentity.From(caller.Principal));
        Assert.Equal("kevin", caller.Principal.Identity?.Name);
    }

    [Fact]
    public void AnyOtherPrincipal_IsSearched_ForTheCaller()
    {
        var caller = Caller("kevin");
        var merged = new ClaimsPrincipal(new ClaimsIdentity("cookie"));
        merged.AddIdentity(caller);

        Assert.Same(caller, CallerIdentity.From(new ClaimsPrincipal(caller)));
        Assert.Same(caller, CallerIdentity.From(merged));
        Assert.Null(CallerIdentity.From(new ClaimsPrincipal(new ClaimsIdentity("cookie"))));
        Assert.Null(CallerIdentity.From(null));
    }
}
