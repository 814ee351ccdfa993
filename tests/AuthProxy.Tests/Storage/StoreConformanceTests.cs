using AuthProxy.Storage;

namespace AuthProxy.Tests.Storage;

/// <summary>
/// What every store engine must do. An engine passes by deriving from this class and returning
/// a fresh, initialised store from <see cref="CreateStoreAsync"/>; reopening must see the same data.
/// </summary>
public abstract class StoreConformanceTests
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh store, or (with the same <paramref name="name"/>) the same store opened again.</summary>
    internal abstract Task<IAuthProxyStore> CreateStoreAsync(string name = "main");

    private static IssuedToken Token(string hash, string user = "kevin", TokenFamily family = TokenFamily.Gsql, DateTimeOffset? expires = null, string kid = "k1") =>
        new(hash, "id-" + hash, user, family, null, Now, expires ?? Now.AddHours(1), kid);

    [Fact]
    public async Task SigningKeys_AreKept_AndLastExpiryFollowsIssuedTokens()
    {
        var store = await CreateStoreAsync();
        await store.AddSigningKeyAsync(new StoredSigningKey("k1", "RS256", [1, 2, 3], "{}", Now, Now.AddDays(14), Now), CancellationToken.None);

        await store.RecordIssuedTokenAsync(Token("a", expires: Now.AddDays(3)), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("b", expires: Now.AddDays(1)), null, Now, CancellationToken.None);

        var key = Assert.Single(await store.ListSigningKeysAsync(CancellationToken.None));
        Assert.Equal([1, 2, 3], key.ProtectedPrivateKey);
        Assert.Equal(Now.AddDays(3), key.LastExpiry);

        // A key is deleted only once its last token has expired: the store knows of every instance's tokens.
        Assert.False(await store.DeleteSigningKeyAsync("k1", Now.AddDays(3).AddMilliseconds(-1), CancellationToken.None));
        Assert.Single(await store.ListSigningKeysAsync(CancellationToken.None));
        Assert.True(await store.DeleteSigningKeyAsync("k1", Now.AddDays(3), CancellationToken.None));
        Assert.Empty(await store.ListSigningKeysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IssuedTokens_ListNewestExpiryFirst_WithPaging()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 25; i++)
        {
            await store.RecordIssuedTokenAsync(Token($"t{i:00}", family: TokenFamily.Personal, expires: Now.AddHours(i + 1)), null, Now, CancellationToken.None);
        }

        await store.RecordIssuedTokenAsync(Token("forever", family: TokenFamily.Personal) with { ExpiresAt = null }, null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("other", user: "tigergraph", family: TokenFamily.Personal), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("gsql"), null, Now, CancellationToken.None);

        var first = await store.ListIssuedTokensAsync(new TokenQuery(TokenFamily.Personal, "kevin", 0, 10), CancellationToken.None);
        var last = await store.ListIssuedTokensAsync(new TokenQuery(TokenFamily.Personal, "kevin", 20, 10), CancellationToken.None);
        var everyone = await store.ListIssuedTokensAsync(new TokenQuery(TokenFamily.Personal, null, 0, 100), CancellationToken.None);

        Assert.Equal(26, first.Total);
        Assert.Equal(["forever", "t24", "t23"], first.Tokens.Take(3).Select(t => t.TokenHash));
        Assert.Equal(6, last.Tokens.Count);
        Assert.Equal("t00", last.Tokens[^1].TokenHash);
        Assert.Equal(27, everyone.Total);
        Assert.Equal("id-t05", (await store.FindIssuedTokenAsync("t05", CancellationToken.None))!.TokenId);
    }

    [Fact]
    public async Task Revocation_OfOneToken_AndOfAUsersTokens()
    {
        var store = await CreateStoreAsync();
        await store.RecordIssuedTokenAsync(Token("a"), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("b"), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("c", user: "tigergraph"), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("old", expires: Now.AddHours(-1)), null, Now, CancellationToken.None);

        Assert.True(await store.RevokeTokenAsync("jti:id-a", Now.AddHours(2), Now, CancellationToken.None));
        Assert.False(await store.RevokeTokenAsync("jti:id-a", Now.AddHours(2), Now, CancellationToken.None));
        Assert.True(await store.RevokeTokenAsync("sig:third-party", Now.AddMinutes(5), Now, CancellationToken.None));
        var userWide = await store.RevokeUserTokensAsync("kevin", Now, TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(["jti:id-b"], userWide.Select(r => r.Key));
        var revoked = (await store.ListRevocationsAsync(Now, CancellationToken.None)).ToDictionary(r => r.Key, r => r.ExpiresAt);
        Assert.Equal(["jti:id-a", "jti:id-b", "sig:third-party"], revoked.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Now.AddHours(2), revoked["jti:id-a"]); // kept as long as asked
        Assert.Equal(Now.AddHours(2), revoked["jti:id-b"]); // its token's expiry and the time to keep it past that
        Assert.Equal(Now.AddMinutes(5), revoked["sig:third-party"]);
        Assert.NotNull((await store.FindIssuedTokenAsync("a", CancellationToken.None))!.RevokedAt);
        Assert.NotNull((await store.FindIssuedTokenAsync("b", CancellationToken.None))!.RevokedAt);
        Assert.Null((await store.FindIssuedTokenAsync("c", CancellationToken.None))!.RevokedAt);
        Assert.DoesNotContain(await store.ListRevocationsAsync(Now.AddHours(2), CancellationToken.None), r => r.Key == "sig:third-party");
    }

    [Fact]
    public async Task IssuedTokens_AreCappedPerUser_CountingUnexpiredOnesOfTheFamilies()
    {
        var store = await CreateStoreAsync();
        var limit = new TokenLimit(3, [TokenFamily.Gsql, TokenFamily.GridGain]);
        Assert.True(await store.RecordIssuedTokenAsync(Token("a"), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("b", family: TokenFamily.GridGain), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("old", expires: Now.AddMinutes(-1)), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("pat", family: TokenFamily.Personal), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("theirs", user: "tigergraph"), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("c"), limit, Now, CancellationToken.None));

        Assert.False(await store.RecordIssuedTokenAsync(Token("d"), limit, Now, CancellationToken.None));
        Assert.Null(await store.FindIssuedTokenAsync("d", CancellationToken.None));

        // Revoking makes no room (the revocation is kept as long as the token would have lived); expiry does.
        await store.RevokeTokenAsync("jti:id-a", Now.AddHours(2), Now, CancellationToken.None);
        Assert.False(await store.RecordIssuedTokenAsync(Token("d"), limit, Now, CancellationToken.None));
        Assert.True(await store.RecordIssuedTokenAsync(Token("d"), limit, Now.AddHours(2), CancellationToken.None));
    }

    [Fact]
    public async Task BlockList_IsCapped_PrunesExpiredFirst_AndIsAllOrNone()
    {
        var store = await CreateStoreAsync();
        BlockedToken Entry(string hash, DateTimeOffset expires) => new("kevin", hash, expires);

        Assert.True((await store.BlockTokensAsync("kevin", [Entry("a", Now.AddMinutes(1)), Entry("b", Now.AddHours(1))], 3, Now, CancellationToken.None)).Added);
        var refused = await store.BlockTokensAsync("kevin", [Entry("c", Now.AddHours(1)), Entry("d", Now.AddHours(1))], 3, Now, CancellationToken.None);
        Assert.False(refused.Added);
        Assert.Equal(4, refused.Count);
        Assert.Equal(2, (await store.ListBlockedTokensAsync(Now, CancellationToken.None)).Count);

        // Once "a" has expired it is pruned, and both fit.
        Assert.True((await store.BlockTokensAsync("kevin", [Entry("c", Now.AddHours(1)), Entry("d", Now.AddHours(1))], 3, Now.AddMinutes(2), CancellationToken.None)).Added);
        Assert.Equal(["b", "c", "d"], (await store.ListBlockedTokensAsync(Now.AddMinutes(2), CancellationToken.None)).Select(b => b.Key).Order());

        // Blocking a token already on the list costs nothing.
        Assert.True((await store.BlockTokensAsync("kevin", [Entry("d", Now.AddHours(1))], 3, Now.AddMinutes(2), CancellationToken.None)).Added);
        Assert.Equal(3, (await store.ClearBlockListAsync("kevin", CancellationToken.None)).Count);
        Assert.Empty(await store.ListBlockedTokensAsync(Now, CancellationToken.None));
    }

    [Fact]
    public async Task Secrets_AreUniquePerAlias_AValueHasOneOwner_AndAreCapped()
    {
        var store = await CreateStoreAsync();
        Assert.Equal(SecretOutcome.Added, (await store.AddSecretAsync(new StoredSecret("kevin", "s1", "h1", "abc****xyz", Now), 3, CancellationToken.None)).Outcome);
        Assert.Equal(SecretOutcome.AliasTaken, (await store.AddSecretAsync(new StoredSecret("kevin", "s1", "h2", "abc****xyz", Now), 3, CancellationToken.None)).Outcome);
        Assert.Equal(SecretOutcome.Added, (await store.AddSecretAsync(new StoredSecret("kevin", "s2", "h2", "def****uvw", Now.AddSeconds(1)), 3, CancellationToken.None)).Outcome);
        Assert.Equal(SecretOutcome.ValueTaken, (await store.AddSecretAsync(new StoredSecret("kevin", "s3", "h2", "def****uvw", Now), 3, CancellationToken.None)).Outcome);

        // Another user choosing the same value: created, and the first owner's secret (known to two people now) retired.
        var shared = await store.AddSecretAsync(new StoredSecret("tigergraph", "mine", "h1", "abc****xyz", Now), 3, CancellationToken.None);
        Assert.Equal(SecretOutcome.Added, shared.Outcome);
        Assert.Equal(("kevin", "s1"), (shared.Retired!.User, shared.Retired.Alias));
        Assert.Equal("tigergraph", (await store.FindSecretByHashAsync("h1", CancellationToken.None))!.User);
        Assert.Equal(["s2"], (await store.ListSecretsAsync("kevin", CancellationToken.None)).Select(s => s.Alias));

        Assert.Equal(SecretOutcome.Added, (await store.AddSecretAsync(new StoredSecret("kevin", "s3", "h3", "m", Now.AddSeconds(2)), 3, CancellationToken.None)).Outcome);
        Assert.Equal(SecretOutcome.Added, (await store.AddSecretAsync(new StoredSecret("kevin", "s4", "h4", "m", Now.AddSeconds(3)), 3, CancellationToken.None)).Outcome);
        Assert.Equal(SecretOutcome.LimitReached, (await store.AddSecretAsync(new StoredSecret("kevin", "s5", "h5", "m", Now), 3, CancellationToken.None)).Outcome);

        Assert.Equal(["s2", "s3", "s4"], (await store.ListSecretsAsync("kevin", CancellationToken.None)).Select(s => s.Alias));
        Assert.Equal("s2", (await store.FindSecretByHashAsync("h2", CancellationToken.None))!.Alias);
        Assert.Null(await store.FindSecretAsync("tigergraph", "s1", CancellationToken.None));
        Assert.Equal(["s2", "s3"], (await store.DeleteSecretsAsync("kevin", ["s2"], ["h3"], CancellationToken.None)).Order());
        Assert.Equal(["s4"], (await store.ListSecretsAsync("kevin", CancellationToken.None)).Select(s => s.Alias));
    }

    [Fact]
    public async Task Settings_FirstWriterWins()
    {
        var store = await CreateStoreAsync();
        var first = await store.GetOrAddSettingAsync("s", () => [1], CancellationToken.None);
        var second = await store.GetOrAddSettingAsync("s", () => [2], CancellationToken.None);

        Assert.Equal([1], first);
        Assert.Equal([1], second);
    }

    [Fact]
    public async Task Purge_RemovesOnlyExpiredRows()
    {
        var store = await CreateStoreAsync();
        await store.RecordIssuedTokenAsync(Token("old", expires: Now.AddMinutes(-1)), null, Now, CancellationToken.None);
        await store.RecordIssuedTokenAsync(Token("new", expires: Now.AddMinutes(1)), null, Now, CancellationToken.None);
        await store.RevokeTokenAsync("x", Now.AddMinutes(-1), Now, CancellationToken.None);
        await store.BlockTokensAsync("kevin", [new BlockedToken("kevin", "y", Now.AddMinutes(-1))], 5, Now.AddMinutes(-2), CancellationToken.None);

        Assert.Equal(3, await store.PurgeExpiredAsync(Now, CancellationToken.None));
        Assert.NotNull(await store.FindIssuedTokenAsync("new", CancellationToken.None));
        Assert.Null(await store.FindIssuedTokenAsync("old", CancellationToken.None));
    }

    [Fact]
    public async Task Reopening_SeesEverythingAcknowledged()
    {
        var store = await CreateStoreAsync("reopen");
        await store.RecordIssuedTokenAsync(Token("a"), null, Now, CancellationToken.None);
        await store.RevokeTokenAsync("jti:id-a", null, Now, CancellationToken.None);
        await store.AddSecretAsync(new StoredSecret("kevin", "s", "h", "m", Now), 10, CancellationToken.None);

        var reopened = await CreateStoreAsync("reopen");

        Assert.Single(await reopened.ListRevocationsAsync(Now, CancellationToken.None));
        Assert.NotNull(await reopened.FindSecretAsync("kevin", "s", CancellationToken.None));
        Assert.True(await reopened.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentWriters_LoseNothing()
    {
        var store = await CreateStoreAsync();
        var writes = Enumerable.Range(0, 200).Select(async i =>
        {
            await store.RecordIssuedTokenAsync(Token($"t{i}", user: $"u{i % 5}"), null, Now, CancellationToken.None);
            if (i % 2 == 0)
            {
                await store.RevokeTokenAsync($"jti:id-t{i}", null, Now, CancellationToken.None);
            }

            await store.BlockTokensAsync($"u{i % 5}", [new BlockedToken($"u{i % 5}", $"b{i}", Now.AddHours(1))], 1000, Now, CancellationToken.None);
        });
        await Task.WhenAll(writes);

        Assert.Equal(200, (await store.ListIssuedTokensAsync(new TokenQuery(TokenFamily.Gsql, null, 0, 1000, IncludeRevoked: true), CancellationToken.None)).Total);
        Assert.Equal(100, (await store.ListRevocationsAsync(Now, CancellationToken.None)).Count);
        Assert.Equal(200, (await store.ListBlockedTokensAsync(Now, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ChangeLog_HoldsRevocationsBlocksUnblocksAndKeys_InCommitOrder()
    {
        var store = await CreateStoreAsync();
        Assert.Equal(0, await store.LastChangeAsync(CancellationToken.None));
        await store.RecordIssuedTokenAsync(Token("a"), null, Now, CancellationToken.None);
        await store.AddSecretAsync(new StoredSecret("kevin", "s", "h", "m", Now), 10, CancellationToken.None); // nothing instances hold in memory

        await store.RevokeTokenAsync("jti:id-a", Now.AddHours(2), Now, CancellationToken.None);
        await store.BlockTokensAsync("kevin", [new BlockedToken("kevin", "sig:b", Now.AddHours(1)), new BlockedToken("kevin", "sig:c", Now.AddHours(1))], 10, Now, CancellationToken.None);
        await store.ClearBlockListAsync("kevin", CancellationToken.None);
        await store.AddSigningKeyAsync(new StoredSigningKey("k9", "RS256", [1], "{}", Now, Now.AddDays(1), Now), CancellationToken.None);
        Assert.True(await store.DeleteSigningKeyAsync("k9", Now, CancellationToken.None));
        Assert.False(await store.DeleteSigningKeyAsync("k9", Now, CancellationToken.None)); // gone already: no change

        var last = await store.LastChangeAsync(CancellationToken.None);
        var batch = await store.ReadChangesAsync(0, 1000, CancellationToken.None);

        Assert.True(batch.Complete);
        Assert.Equal(5, last);
        Assert.Equal(last, batch.Last);
        Assert.Equal(
            ["1 Revoke jti:id-a", "2 Block sig:b", "2 Block sig:c", "3 Unblock sig:b", "3 Unblock sig:c", "4 SigningKeys k9", "5 SigningKeys k9"],
            batch.Changes.Select(c => $"{c.Sequence} {c.Kind} {c.Key}").Order(StringComparer.Ordinal));
        Assert.Equal(Now.AddHours(2), batch.Changes[0].ExpiresAt);
        Assert.Equal("kevin", batch.Changes[1].User);

        var later = await store.ReadChangesAsync(3, 1, CancellationToken.None);
        Assert.Equal(["4 SigningKeys k9"], later.Changes.Select(c => $"{c.Sequence} {c.Kind} {c.Key}"));
        Assert.Equal(4, later.Last);
        Assert.Empty((await store.ReadChangesAsync(last, 1000, CancellationToken.None)).Changes);
    }

    [Fact]
    public async Task ChangeLog_PurgedPastAReader_TellsItToReloadEverything()
    {
        var store = await CreateStoreAsync();
        await store.RevokeTokenAsync("jti:one", null, Now, CancellationToken.None);
        await store.RevokeTokenAsync("jti:two", null, Now, CancellationToken.None);

        await store.PurgeExpiredAsync(TimeProvider.System.GetUtcNow() + SqlStore.ChangeRetention + TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.False((await store.ReadChangesAsync(0, 1000, CancellationToken.None)).Complete);
        var current = await store.ReadChangesAsync(2, 1000, CancellationToken.None);
        Assert.True(current.Complete);
        Assert.Empty(current.Changes);
        Assert.Equal(2, (await store.ListRevocationsAsync(Now, CancellationToken.None)).Count); // the revocations themselves stay
    }

    [Fact]
    public async Task AddSigningKeyUnless_AddsOneKey_HoweverManyAskAtOnce()
    {
        var store = await CreateStoreAsync();
        var made = 0;
        var asks = Enumerable.Range(0, 12).Select(i => store.AddSigningKeyUnlessAsync(keys =>
        {
            if (keys.Count > 0)
            {
                return null;
            }

            Interlocked.Increment(ref made);
            return new StoredSigningKey($"k{i}", "ES256", [1], "{}", Now, Now.AddDays(1), Now);
        }, CancellationToken.None));

        var answers = await Task.WhenAll(asks);

        Assert.Equal(1, made);
        Assert.Single(await store.ListSigningKeysAsync(CancellationToken.None));
        Assert.All(answers, keys => Assert.Single(keys));
    }
}
