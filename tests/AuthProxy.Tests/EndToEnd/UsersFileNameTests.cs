using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Names in the users file are whole: a user, graph or privilege name that ends in a line break
/// (which a pattern anchored with <c>$</c> would take, as it matches before a final newline) stops
/// the start naming it, like any other character the names may not hold.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UsersFileNameTests(BackendProcess backend)
{
    [Fact]
    public async Task NamesEndingInALineBreak_StopTheStart_NamingEach()
    {
        var hash = TestUsers.Pbkdf2(TestUsers.KevinPassword);
        var users = $$"""
            { "Users": {
                "kevin": { "PasswordHash": "{{hash}}", "Graphs": { "social\n": [ "READ_DATA" ], "finance": [ "READ_DATA\n" ] } },
                "alice\n": { "PasswordHash": "{{hash}}", "Graphs": { "social": [ "READ_DATA" ] } }
            } }
            """;

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users));

        Assert.Contains(failure.Problems, p => p.StartsWith("Users:alice\n: a user name is 1 to 128 characters", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.StartsWith("Users:kevin:Graphs: 'social\n' is not a graph name", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("'READ_DATA\n' is not a privilege name", StringComparison.Ordinal));
    }
}
