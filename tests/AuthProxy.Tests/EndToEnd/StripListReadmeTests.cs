using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthProxy.Forwarding;
using AuthProxy.Tests.Common;
using AuthProxy.Tests.Routing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The README's table under "Headers removed before forwarding" is the operator's list of what a
/// client can never send to a backend. It and <see cref="StrippedHeaders.DefaultEntries"/> name the
/// same entries, and every header the table names (each entry, each prefix with a name after it,
/// each example) is removed in every spelling, on an authenticated and an anonymous route.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class StripListReadmeTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Forged = "forged-by-client";

    private const string TwinsRow = "any spelling with `_` or `.` of ";

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>The first cell of each row of the README's table of stripped headers.</summary>
    private static List<string> ReadmeRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RoutesFileReaderTests.FindRepositoryRoot(), "README.md"));
        var section = Array.IndexOf(lines, "### Headers removed before forwarding");
        Assert.True(section >= 0, "the README has no section 'Headers removed before forwarding'");
        var table = lines.Skip(section + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal("| header | why |", table[0]);

        var rows = new List<string>();
        foreach (var row in table.Skip(2))
        {
            var match = RowPattern().Match(row);
            Assert.True(match.Success, row);
            rows.Add(match.Groups[1].Value);
        }

        return rows;
    }

    /// <summary>
    /// A cell's entries (in backquotes, outside parentheses) and each entry's examples (in
    /// backquotes, in the parentheses after it). An example starting with <c>-</c> follows its
    /// entry's name: <c>-Email</c> after <c>X-Goog-Authenticated-User-*</c> is
    /// <c>X-Goog-Authenticated-User-Email</c>; an example that is itself a prefix gets a name after it.
    /// </summary>
    private static List<(string Entry, List<string> Examples)> Entries(string cell)
    {
        var entries = new List<(string Entry, List<string> Examples)>();
        var depth = 0;
        for (var i = 0; i < cell.Length; i++)
        {
            if (cell[i] == '(')
            {
                depth++;
            }
            else if (cell[i] == ')')
            {
                depth--;
            }
            else if (cell[i] == '`')
            {
                var end = cell.IndexOf('`', i + 1);
                Assert.True(end > i, cell);
                var text = cell[(i + 1)..end];
                i = end;
                if (depth == 0)
                {
                    entries.Add((text, []));
                    continue;
                }

                Assert.True(entries.Count > 0, cell);
                var name = text.StartsWith('-') ? entries[^1].Entry.TrimEnd('*').TrimEnd('-') + text : text;
                entries[^1].Examples.Add(name.EndsWith('*') ? name[..^1] + "Example" : name);
            }
        }

        return entries;
    }

    /// <summary>The rows that list entries of <see cref="StrippedHeaders.DefaultEntries"/> (not <c>Authorization</c>, not the twins).</summary>
    private static List<(string Entry, List<string> Examples)> DocumentedEntries() =>
        [.. ReadmeRows().Where(r => r != "`Authorization`" && !r.StartsWith(TwinsRow, StringComparison.Ordinal)).SelectMany(Entries)];

    /// <summary>The headers named in the twins row: their spellings with <c>_</c> or <c>.</c> are removed.</summary>
    private static List<string> DocumentedTwins()
    {
        var row = Assert.Single(ReadmeRows(), r => r.StartsWith(TwinsRow, StringComparison.Ordinal));
        return [.. Entries(row[TwinsRow.Length..]).Select(e => e.Entry)];
    }

    private static bool Covers(string entry, string name) =>
        entry.EndsWith('*') ? HeaderSpelling.StartsWith(name, entry.AsSpan(0, entry.Length - 1)) : HeaderSpelling.Same(name, entry);

    [Fact]
    public void TheReadmeTable_AndTheCode_NameTheSameHeaders()
    {
        var documented = DocumentedEntries();
        var names = documented.Select(e => e.Entry).ToList();

        Assert.Contains("X-Forwarded-*", names);
        Assert.Empty(names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(StrippedHeaders.DefaultEntries.Except(names, StringComparer.OrdinalIgnoreCase)); // stripped but not documented
        Assert.Empty(names.Except(StrippedHeaders.DefaultEntries, StringComparer.OrdinalIgnoreCase)); // documented but not stripped

        // Each example stands under the entry that strips it.
        Assert.Empty(documented.SelectMany(e => e.Examples.Where(x => !Covers(e.Entry, x)).Select(x => $"{x} under {e.Entry}")));

        // A header without '-' has no spelling with '_' or '.', so only the others can have twins.
        var twins = DocumentedTwins();
        Assert.Contains("Transfer-Encoding", twins);
        Assert.Empty(twins.Except(StrippedHeaders.TwinnedNames, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(StrippedHeaders.TwinnedNames.Where(n => n.Contains('-', StringComparison.Ordinal)).Except(twins, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task EveryHeaderTheReadmeNames_NeverReachesTheBackend_InAnySpelling()
    {
        var names = new List<string>();
        foreach (var (entry, examples) in DocumentedEntries())
        {
            names.AddRange(entry.EndsWith('*') ? [entry[..^1], entry[..^1] + "Example"] : [entry]);
            names.AddRange(examples);
        }

        IEnumerable<string> Spellings(string name) =>
            [name, name.ToLowerInvariant(), name.ToUpperInvariant(), name.Replace('-', '_'), name.ToUpperInvariant().Replace('-', '_'), name.Replace('-', '.')];

        var headers = names.SelectMany(Spellings).Distinct(StringComparer.Ordinal).ToList();
        await AssertStrippedAsync(headers);
    }

    [Fact]
    public async Task TwinsOfTheReadmesFramingAndBodyHeaders_NeverReachTheBackend()
    {
        var twins = DocumentedTwins().Where(n => n.Contains('-', StringComparison.Ordinal))
            .SelectMany(n => new[] { n.Replace('-', '_'), n.Replace('-', '.'), n.ToUpperInvariant().Replace('-', '_'), n.ToLowerInvariant().Replace('-', '.') })
            .Distinct(StringComparer.Ordinal).ToList();

        Assert.Contains("Content_Disposition", twins);
        await AssertStrippedAsync(twins);
    }

    [Fact]
    public async Task TheClientsAuthorization_NeverReachesTheBackend()
    {
        Assert.Contains("`Authorization`", ReadmeRows());
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        var authenticated = await SendAsync(Http.Get("/restpp/query/social/q", token), []);
        var anonymous = await SendAsync(Http.Get("/restpp/echo/x", Forged), []);

        Assert.False(authenticated.TryGetProperty("Authorization", out _), "the token reached the backend");
        Assert.False(anonymous.TryGetProperty("Authorization", out _), "an anonymous route's Authorization reached the backend");
        Assert.Equal("kevin", authenticated.GetProperty("X-AuthProxy-User").GetString());
    }

    /// <summary>Sends the headers, a case-insensitively distinct batch at a time, on an authenticated and an anonymous route; none arrives, and a header off the list does.</summary>
    private async Task AssertStrippedAsync(List<string> headers)
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var batches = new List<List<string>>();
        foreach (var header in headers)
        {
            // Kestrel takes at most 100 headers a request; one batch never holds a name twice in any case.
            var batch = batches.FirstOrDefault(b => b.Count < 60 && !b.Contains(header, StringComparer.OrdinalIgnoreCase));
            if (batch is null)
            {
                batches.Add(batch = []);
            }

            batch.Add(header);
        }

        foreach (var batch in batches)
        {
            var sent = batch.Select(h => (h, $"{Forged} {h}")).Append(("X-Not-Listed", "kept")).ToList();

            foreach (var request in new[] { Http.Get("/restpp/query/social/q", token), Http.Get("/restpp/echo/x") })
            {
                var received = await SendAsync(request, sent);

                var forged = received.EnumerateObject().Where(h => h.Value.GetString()!.Contains(Forged, StringComparison.Ordinal)).Select(h => h.Name);
                Assert.Empty(forged);
                Assert.Equal("kept", received.GetProperty("X-Not-Listed").GetString());
            }
        }
    }

    /// <summary>The headers the backend received.</summary>
    private async Task<JsonElement> SendAsync(HttpRequestMessage request, IEnumerable<(string Name, string Value)> headers)
    {
        using (request)
        {
            foreach (var (name, value) in headers)
            {
                Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
            }

            using var response = await _proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.EchoAsync()).GetProperty("headers");
        }
    }

    [GeneratedRegex(@"^\| (.+?) \| .+ \|$")]
    private static partial Regex RowPattern();
}
