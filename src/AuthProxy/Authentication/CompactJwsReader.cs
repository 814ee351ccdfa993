using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AuthProxy.Authentication;

/// <summary>
/// Reads a compact JWS the strict way, before any key is tried: each part is canonical base64url
/// (RFC 7515 section 2; RFC 4648 section 3.5: no padding, no stray bits), the header and payload are
/// JSON objects whose member names are unique (RFC 7515 section 4, RFC 7519 section 4, RFC 8725
/// section 3.4), and the registered claims have their registered types: NumericDate claims are
/// numbers (RFC 7519 section 2), never strings. Nothing is read twice and a document that two
/// JSON parsers could read differently is refused.
/// </summary>
internal static class CompactJwsReader
{
    /// <summary>More members than this in the header or the payload is refused (legitimate tokens carry a few dozen).</summary>
    public const int MaxMembers = 200;

    /// <summary>NumericDates from this second on (9999-12-31T23:59:59Z, the end of DateTimeOffset) are refused.</summary>
    public const long MaxNumericDate = 253_402_300_799;

    internal static readonly JsonReaderOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>Decodes and checks the three parts; <paramref name="problem"/> says what is wrong (it never holds token text).</summary>
    public static bool TryRead(string token, out JwsHeader header, out JwtClaims claims, out string? problem)
    {
        header = default;
        claims = default;
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var last = token.LastIndexOf('.');
        var span = token.AsSpan();
        // An empty signature is left to verification, which refuses it for what it is (unsigned).
        if (!IsCanonical(span[..first]) || !IsCanonical(span[(first + 1)..last]) || (last + 1 < span.Length && !IsCanonical(span[(last + 1)..])))
        {
            problem = "is not a valid JWT: a part is not canonical base64url";
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(Math.Max(first, last - first - 1)));
        try
        {
            var length = Base64Url.DecodeFromChars(span[..first], buffer);
            if (!TryReadHeader(buffer.AsSpan(0, length), out header, out problem))
            {
                return false;
            }

            length = Base64Url.DecodeFromChars(span[(first + 1)..last], buffer);
            if (!JwtClaimsReader.TryRead(buffer.AsSpan(0, length), out claims, out problem))
            {
                return false;
            }

            claims = claims with { Payload = buffer.AsSpan(0, length).ToArray() };
            return true;
        }
        catch (FormatException)
        {
            problem = "is not a valid JWT: its header or payload is not base64url-encoded JSON";
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether a part is base64url as an encoder writes it: no length that cannot occur, and the
    /// unused bits of the last character zero, so one value has exactly one spelling.
    /// </summary>
    internal static bool IsCanonical(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty)
        {
            return false;
        }

        var remainder = part.Length % 4;
        if (remainder == 1)
        {
            return false;
        }

        var value = Sextet(part[^1]);
        return value >= 0 && remainder switch
        {
            2 => (value & 0x0F) == 0,
            3 => (value & 0x03) == 0,
            _ => true,
        };
    }

    private static int Sextet(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };

    private static bool TryReadHeader(ReadOnlySpan<byte> json, out JwsHeader header, out string? problem)
    {
        header = default;
        string? alg = null, kid = null, typ = null, refused = null;
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(Options));
        var names = new MemberNames(json.Length);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "is not a valid JWT: its header is not base64url-encoded JSON (an object)";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (names.AddIsDuplicate(ref reader, out var name, out problem, "header"))
                {
                    return false;
                }

                reader.Read();
                if (name.SequenceEqual("alg"u8) || name.SequenceEqual("kid"u8) || name.SequenceEqual("typ"u8))
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        problem = $"has a header parameter '{System.Text.Encoding.UTF8.GetString(name)}' that is not a string";
                        return false;
                    }

                    var value = reader.GetString();
                    if (name[0] == (byte)'a')
                    {
                        alg = value;
                    }
                    else if (name[0] == (byte)'k')
                    {
                        kid = value;
                    }
                    else
                    {
                        typ = value;
                    }
                }
                else
                {
                    refused ??= RefusedParameter(name);
                    SkipDecodable(ref reader);
                }
            }

            EnsureEnd(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid Unicode (a lone surrogate escape, bad UTF-8).
            problem = "is not a valid JWT: its header is not base64url-encoded JSON";
            return false;
        }
        finally
        {
            names.Dispose();
        }

        header = new JwsHeader(alg, string.IsNullOrEmpty(kid) ? null : kid, typ, refused);
        problem = null;
        return true;
    }

    /// <summary>Header parameters whose presence alone refuses the token (a token never chooses its key or its processing rules).</summary>
    private static string? RefusedParameter(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("jwk"u8) => "jwk",
        _ when name.SequenceEqual("jku"u8) => "jku",
        _ when name.SequenceEqual("x5u"u8) => "x5u",
        _ when name.SequenceEqual("x5c"u8) => "x5c",
        _ when name.SequenceEqual("crit"u8) => "crit",
        _ when name.SequenceEqual("b64"u8) => "b64",
        _ => null,
    };

    /// <summary>
    /// Skips the value the reader is on, decoding every string and member name in it (at any depth):
    /// one that is not valid Unicode (a lone surrogate escape, invalid UTF-8) throws
    /// <see cref="InvalidOperationException"/>, as reading it later would.
    /// </summary>
    internal static void SkipDecodable(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            Decode(ref reader);
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            Decode(ref reader);
        }
    }

    private static void Decode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
            && (reader.ValueIsEscaped || !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan)))
        {
            _ = reader.GetString(); // throws InvalidOperationException when the text does not decode
        }
    }

    /// <summary>Nothing may follow the closing brace of the root object.</summary>
    internal static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
        {
            throw new JsonException();
        }
    }
}
