using AuthProxy.Forwarding;

namespace AuthProxy.Tests.Forwarding;

public sealed class IdentityHeadersTests
{
    [Theory]
    [InlineData("kevin", "kevin")]
    [InlineData("Kévin", "K%C3%A9vin")]
    [InlineData("a\r\nX-Evil: 1", "a%0D%0AX-Evil%3A%201")]
    [InlineData("50%", "50%25")]
    public void Encode_KeepsHeaderValuesSafe(string value, string encoded) => Assert.Equal(encoded, IdentityHeaders.Encode(value));
}
