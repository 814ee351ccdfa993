using AuthProxy.Forwarding;

namespace AuthProxy.Tests.Routing;

public sealed class IdentityHeadersTests
{
    [Theory]
    [InlineData("X-AuthProxy-User", true)]
    [InlineData("x_authproxy_user", true)]
    [InlineData("X-AUTHPROXY-", true)]
    [InlineData("X-AuthProxy", false)]
    [InlineData("X-Auth-Proxy-User", false)]
    [InlineData("Authorization", false)]
    public void IsOwned(string name, bool owned) => Assert.Equal(owned, IdentityHeaders.IsOwned(name));

    [Theory]
    [InlineData("kevin", "kevin")]
    [InlineData("Kévin", "K%C3%A9vin")]
    [InlineData("a\r\nX-Evil: 1", "a%0D%0AX-Evil%3A%201")]
    [InlineData("50%", "50%25")]
    public void Encode_KeepsHeaderValuesSafe(string value, string encoded) => Assert.Equal(encoded, IdentityHeaders.Encode(value));
}
