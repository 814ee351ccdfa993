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

    [Fact]
    public void Encode_KeepsAValueAsItIs_ExactlyWhenEveryCharacterIsPrintableAscii_ButQuoteBackslashAndPercent()
    {
        for (var c = '\0'; c < 0x300; c++)
        {
            var safe = c is >= ' ' and <= '~' and not '"' and not '%' and not '\\';
            foreach (var value in new[] { $"u{c}", $"{c}", new string('u', 40) + c, new string('u', 80) + c }) // short names and long values
            {
                Assert.True(safe == ReferenceEquals(value, IdentityHeaders.Encode(value)), $"U+{(int)c:X4} in a value of {value.Length}");
            }
        }
    }
}
