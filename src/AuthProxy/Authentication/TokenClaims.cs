using System.Text.Json;

namespace AuthProxy.Authentication;

/// <summary>
/// The claims of a third-party token beyond the ones AuthProxy always reads, for the policies that
/// look at them (<c>Scopes</c>, <c>Claims</c>, <c>Audiences</c>, <c>ClaimHeaders</c>, a limit's
/// <c>claim:NAME</c>). Holds the verified payload and parses it on first use only, once per token:
/// the verified-token cache keeps this object, so later requests with the token read the result.
/// </summary>
internal sealed class TokenClaims(byte[] payload)
{
    /// <summary>The claims the scopes are read from: <c>scope</c> (RFC 8693, space-separated), <c>scp</c> (Entra ID, Okta) and <c>scopes</c>.</summary>
    public static readonly string[] ScopeClaims = ["scope", "scp", "scopes"];

    private Parsed? _parsed;

    /// <summary>The claim named <paramref name="name"/> (case-sensitive, as in the token), or null when the token has none.</summary>
    public ClaimValue? Get(string name) => Read().Claims.GetValueOrDefault(name);

    /// <summary>The token's scopes: every string of <c>scope</c>, <c>scp</c> and <c>scopes</c>, each split at spaces.</summary>
    public HashSet<string> Scopes => Read().Scopes;

    /// <summary>The token's <c>aud</c> values (empty when it has none, or one that is not a string or an array of strings).</summary>
    public string[] Audiences => Get("aud") is { IsUsable: true } aud ? aud.Values : [];

    private Parsed Read()
    {
        var parsed = Volatile.Read(ref _parsed);
        if (parsed is null)
        {
            parsed = Parse(payload);
            parsed = Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
        }

        return parsed;
    }

    /// <summary>The payload was checked when the token was (one JSON object, unique names, within the size limit).</summary>
    private static Parsed Parse(byte[] payload)
    {
        var claims = new Dictionary<string, ClaimValue>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 32 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            claims[name] = ReadValue(ref reader);
        }

        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in ScopeClaims)
        {
            if (claims.GetValueOrDefault(claim) is { IsUsable: true } value)
            {
                foreach (var item in value.Values)
                {
                    scopes.UnionWith(item.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        return new Parsed(claims, scopes);
    }

    private static ClaimValue ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return ClaimValue.String(reader.GetString()!);
            case JsonTokenType.StartArray:
                var items = new List<string>();
                var strings = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        items.Add(reader.GetString()!);
                    }
                    else
                    {
                        strings = false;
                        reader.Skip();
                    }
                }

                return strings ? ClaimValue.Array([.. items]) : ClaimValue.Unusable;
            default:
                reader.Skip();
                return ClaimValue.Unusable;
        }
    }

    private sealed record Parsed(Dictionary<string, ClaimValue> Claims, HashSet<string> Scopes);
}
