using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// What an AuthProxy process keeps mapped: code a configuration never uses is not loaded, so it
/// costs no resident memory. A replica on the embedded SQLite store never loads Npgsql; nothing
/// loads HTTP/3 (QUIC) or IIS integration; graphql-dotnet loads with the first GraphQL request.
/// Read from the process's own <c>/proc/PID/maps</c>, after real requests.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ResidentCodeTests(BackendProcess backend) : IAsyncLifetime
{
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(_directory, "routes.json"), TestRoutes.Standard(backend.BaseAddress));
        await File.WriteAllTextAsync(Path.Combine(_directory, "users.json"), TestUsers.Json());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<HashSet<string>> MappedAssembliesAsync(ProxyProcess proxy)
    {
        var maps = await File.ReadAllLinesAsync($"/proc/{proxy.ProcessId}/maps");
        return maps.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith(".dll", StringComparison.Ordinal))
            .Select(fields => Path.GetFileNameWithoutExtension(fields[5]))
            .ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public async Task AReplicaOnSqlite_ServingRequests_NeverLoadsNpgsqlQuicOrIis_AndLoadsGraphQLWithItsFirstRequest()
    {
        var dataDirectory = Path.Combine(_directory, "data");
        Directory.CreateDirectory(dataDirectory);
        await using var proxy = await ProxyProcess.StartAsync(_directory, new Dictionary<string, string>
        {
            ["AuthProxy:Store:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "authproxy.db")}",
        });

        using (var forwarded = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("kevin", "social")))))
        {
            Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        }

        using (var issued = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        }

        var before = await MappedAssembliesAsync(proxy);
        Assert.Contains("AuthProxy", before); // the reading itself works
        Assert.Contains("Microsoft.Data.Sqlite", before);
        Assert.DoesNotContain("Npgsql", before);
        Assert.DoesNotContain("System.Net.Quic", before);
        Assert.DoesNotContain("Microsoft.AspNetCore.Server.Kestrel.Transport.Quic", before);
        Assert.DoesNotContain("Microsoft.AspNetCore.Server.IIS", before);
        Assert.DoesNotContain("GraphQL", before);

        const string Create = """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "resident"}) { accessToken } }""";
        using (var graphql = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new { query = Create }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            var body = await graphql.JsonAsync();
            Assert.StartsWith("eyJ", body.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString());
        }

        var after = await MappedAssembliesAsync(proxy);
        Assert.Contains("GraphQL", after);
        Assert.DoesNotContain("Npgsql", after);
    }
}
