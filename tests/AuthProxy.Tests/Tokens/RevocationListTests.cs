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

    [Fact]
    public void ATokenMadeWithARevokedOrBlockedToken_IsRevokedToo()
    {
        var list = new RevocationList();
        var revokedParent = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var blockedParent = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        list.Revoke(RevocationKeys.ForSigningInput(revokedParent), Later);
        list.Block(new BlockedToken("tigergraph", RevocationKeys.ForSigningInput(blockedParent), Later));
        list.Block(new BlockedToken("kevin", RevocationKeys.ForOwnToken("parent-jti"), Later));

        Assert.True(list.IsRevoked("x.y.z", "child-1", [RevocationKeys.ForSigningInput(revokedParent)]));
        Assert.True(list.IsRevoked("x.y.z", "child-2", [RevocationKeys.ForSigningInput(blockedParent)]));
        Assert.True(list.IsRevoked("x.y.z", "child-3", ["sig:unrelated", RevocationKeys.ForOwnToken("parent-jti")]));
        Assert.False(list.IsRevoked("x.y.z", "child-4", [RevocationKeys.ForOwnToken("other-jti"), RevocationKeys.ForSigningInput(TestTokens.Hs256(TestTokens.Claims("kevin", "social")))]));
        Assert.False(list.IsRevoked("x.y.z", "child-5"));
    }

    [Fact]
    public void Count_AddsRevocationsAndBlocks()
    {
        var list = new RevocationList();
        list.Revoke(RevocationKeys.ForOwnToken("a"), Later);
        list.Block(new BlockedToken("kevin", RevocationKeys.ForOwnToken("b"), Later));
        list.Block(new BlockedToken("kevin", RevocationKeys.ForOwnToken("c"), Later));

        Assert.Equal(3, list.Count);
    }

    [Fact]
    public void Unblocking_LiftsABlock_OfEveryKeyForm()
    {
        var list = new RevocationList();
        var thirdParty = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var legacy = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        BlockedToken[] entries =
        [
            new("kevin", RevocationKeys.ForOwnToken("jti-1"), Later),
            new("kevin", RevocationKeys.ForSigningInput(thirdParty), Later),
            new("kevin", RevocationKeys.LegacyPrefix + TokenHash.Of(legacy), Later),
        ];
        foreach (var entry in entries)
        {
            list.Block(entry);
        }

        Assert.True(list.IsRevoked("x.y.z", "jti-1"));
        Assert.True(list.IsRevoked(thirdParty, null));
        Assert.True(list.IsRevoked(legacy, null));

        list.Unblock(entries);

        Assert.False(list.IsRevoked("x.y.z", "jti-1"));
        Assert.False(list.IsRevoked(thirdParty, null));
        Assert.False(list.IsRevoked(legacy, null));
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void Prune_ForgetsExpiredEntries_OfEveryKeyForm_RevokedOrBlocked_AndOnlyThose()
    {
        var now = TimeProvider.System.GetUtcNow();
        var list = new RevocationList();
        var oldThirdParty = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var oldLegacy = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        var liveThirdParty = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        list.Revoke(RevocationKeys.ForSigningInput(oldThirdParty), now); // expires this very instant: gone
        list.Revoke(RevocationKeys.LegacyPrefix + TokenHash.Of(oldLegacy), now.AddMinutes(-1));
        list.Block(new BlockedToken("kevin", RevocationKeys.ForOwnToken("old-block"), now.AddMinutes(-1)));
        list.Revoke(RevocationKeys.ForSigningInput(liveThirdParty), Later);
        list.Revoke(RevocationKeys.ForOwnToken("live"), Later);
        list.Block(new BlockedToken("kevin", RevocationKeys.ForOwnToken("live-block"), Later));

        list.Prune(now);

        Assert.False(list.IsRevoked(oldThirdParty, null));
        Assert.False(list.IsRevoked(oldLegacy, null));
        Assert.False(list.IsRevoked("x.y.z", "old-block"));
        Assert.True(list.IsRevoked(liveThirdParty, null));
        Assert.True(list.IsRevoked("x.y.z", "live"));
        Assert.True(list.IsRevoked("x.y.z", "live-block"));
        Assert.Equal(3, list.Count);
    }

    /// <summary>
    /// An instance that fell behind a shared store's change log reloads the list from the store: it
    /// then holds exactly the store's revocations and blocks, each with its expiry (a revocation
    /// without one is kept for good), and nothing it held before.
    /// </summary>
    [Fact]
    public async Task Reload_HoldsExactlyWhatTheStoreHolds()
    {
        var directory = ProxyHost.CreateDirectory();
        try
        {
            using var store = new SqliteStore($"Data Source={Path.Combine(directory, "authproxy.db")}");
            await store.InitializeAsync(CancellationToken.None);
            var now = TimeProvider.System.GetUtcNow();
            Assert.True(await store.RevokeTokenAsync(RevocationKeys.ForOwnToken("for-good"), null, now, CancellationToken.None));
            Assert.True(await store.RevokeTokenAsync(RevocationKeys.ForOwnToken("until-later"), Later, now, CancellationToken.None));
            await store.BlockTokensAsync("kevin", [new BlockedToken("kevin", RevocationKeys.ForOwnToken("blocked"), Later)], 100, now, CancellationToken.None);
            var list = new RevocationList();
            list.Revoke(RevocationKeys.ForOwnToken("gone-from-the-store"), Later);

            await list.ReloadAsync(store, now, CancellationToken.None);

            Assert.True(list.IsRevoked("x.y.z", "for-good"));
            Assert.True(list.IsRevoked("x.y.z", "until-later"));
            Assert.True(list.IsRevoked("x.y.z", "blocked"));
            Assert.False(list.IsRevoked("x.y.z", "gone-from-the-store"));
            Assert.Equal(3, list.Count);

            list.Prune(Later.AddSeconds(1));

            Assert.True(list.IsRevoked("x.y.z", "for-good"));
            Assert.False(list.IsRevoked("x.y.z", "until-later"));
            Assert.False(list.IsRevoked("x.y.z", "blocked"));
            Assert.Equal(1, list.Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
