namespace AuthProxy.Users;

/// <summary>The privileges AuthProxy's own services check, by their TigerGraph and DataHub names.</summary>
internal static class Privileges
{
    /// <summary>Act on any user's tokens and secrets (TigerGraph, GridGain, DataHub).</summary>
    public const string ManageAccessTokens = "MANAGE_ACCESS_TOKENS";

    /// <summary>Create, list and revoke one's own personal access tokens (DataHub).</summary>
    public const string GeneratePersonalAccessTokens = "GENERATE_PERSONAL_ACCESS_TOKENS";
}
