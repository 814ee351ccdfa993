using AuthProxy.Storage;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;

namespace AuthProxy.Tests.Tokens;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Later = TimeProvider.System.GetUtcNow().AddHours(1);

    [Fact]
    public void OwnTokens_AreFoundByJti_OthersBySigningInput_LegacyEntriesByTheirText()
    {
        var list = new RevocationList();
        var thirdParty = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var legacy = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        list.Revoke(RevocationKeys.ForOwnToken("jti-1"), Later);
        list.Revoke(RevocationKeys.ForSigningInput(thirdParty), Later);
        list.Revoke(RevocationKeys.LegacyPrefix + TokenHash.Of(legacy), Later);

        Assert.True(list.IsRevoked("any.text.atall", "jti-1"));
        Assert.False(list.IsRevoked("any.text.atall", "jti-2"));
        Assert.True(list.IsRevoked(thirdParty, null));
        Assert.True(list.IsRevoked(TokenSpellings.SpareBits(thirdParty), null));
        Assert.True(list.IsRevoked(legacy, null));
        Assert.False(list.IsRevoked(TestTokens.Hs256(TestTokens.Claims("kevin", "social")), null));
        Assert.Equal(3, list.Count);
    }

    [Fact]
    public void Unblocking_NeverLiftsARevocation()
    {
        var list = new RevocationList();
        var key = RevocationKeys.ForOwnToken("jti-1");
        list.Block(new BlockedToken("kevin", key, Later));
        list.Revoke(key, Later);
        list.Unblock([new BlockedToken("kevin", key, Later)]);

        Assert.True(list.IsRevoked("x.y.z", "jti-1"));
        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void Prune_ForgetsExpiredEntries()
    {
        var list = new RevocationList();
        list.Revoke(RevocationKeys.ForOwnToken("old"), TimeProvider.System.GetUtcNow().AddMinutes(-1));
        list.Revoke(RevocationKeys.ForOwnToken("new"), Later);
        list.Prune(TimeProvider.System.GetUtcNow());

        Assert.False(list.IsRevoked("x.y.z", "old"));
        Assert.True(list.IsRevoked("x.y.z", "new"));
        Assert.Equal(1, list.Count);
    }
}
