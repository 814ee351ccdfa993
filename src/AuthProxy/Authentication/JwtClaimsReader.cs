using System.Text.Json;

namespace AuthProxy.Authentication;

/// <summary>
/// The payload of a compact JWS (see <see cref="CompactJwsReader"/>): unique member names, and the
/// registered claims with their registered types (NumericDates are numbers, <c>aud</c> a string or
/// an array of strings, the names AuthProxy reads strings), and every string and member name, at
/// any depth, valid Unicode (no lone surrogate escape, no invalid UTF-8): a claim only a policy
/// reads later is held to it here, where a refusal is a <c>401 format</c>.
/// </summary>
internal static class JwtClaimsReader
{
    /// <summary>Reads the payload; <paramref name="problem"/> says what is wrong (it never holds token text).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out JwtClaims claims, out string? problem)
    {
        claims = default;
        long? exp = null, nbf = null, iat = null;
        string? iss = null, sub = null, graph = null, jti = null, type = null;
        string[]? audiences = null;
        string[]? ancestors = null;
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(CompactJwsReader.Options));
        var names = new MemberNames(json.Length);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "is not a valid JWT: its payload is not base64url-encoded JSON (an object)";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (names.AddIsDuplicate(ref reader, out var name, out problem, "payload"))
                {
                    return false;
                }

                reader.Read();
                switch (name)
                {
                    case var n when n.SequenceEqual("exp"u8) || n.SequenceEqual("nbf"u8) || n.SequenceEqual("iat"u8):
                        if (!TryReadNumericDate(ref reader, out var seconds))
                        {
                            problem = $"has a time claim ({System.Text.Encoding.UTF8.GetString(n)}) that is not a NumericDate: a number of seconds from 1970 to 9999";
                            return false;
                        }

                        if (n[0] == (byte)'e')
                        {
                            exp = seconds;
                        }
                        else if (n[0] == (byte)'n')
                        {
                            nbf = seconds;
                        }
                        else
                        {
                            iat = seconds;
                        }

                        break;
                    case var n when n.SequenceEqual("aud"u8):
                        if (!TryReadAudiences(ref reader, out audiences))
                        {
                            problem = "has an audience (aud) that is neither a string nor an array of strings";
                            return false;
                        }

                        break;
                    case var n when n.SequenceEqual("anc"u8):
                        if (!TryReadStrings(ref reader, out ancestors))
                        {
                            problem = "has an ancestors claim (anc) that is not an array of strings";
                            return false;
                        }

                        break;
                    case var n when IsStringClaim(n):
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.String)
                        {
                            problem = "has a claim (iss, sub, graph, jti or type) that is not a string";
                            return false;
                        }

                        var text = reader.GetString();
                        switch (n[0])
                        {
                            case (byte)'i':
                                iss = text;
                                break;
                            case (byte)'s':
                                sub = text;
                                break;
                            case (byte)'g':
                                graph = text;
                                break;
                            case (byte)'j':
                                jti = text;
                                break;
                            default:
                                type = text;
                                break;
                        }

                        break;
                    default:
                        // Read by the policies that look at claims (TokenClaims): every string in it must decode.
                        CompactJwsReader.SkipDecodable(ref reader);
                        break;
                }
            }

            CompactJwsReader.EnsureEnd(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            problem = "is not a valid JWT: its payload is not base64url-encoded JSON";
            return false;
        }
        finally
        {
            names.Dispose();
        }

        claims = new JwtClaims(exp, nbf, iat, iss, sub, graph, jti, type, audiences ?? [], ancestors ?? []);
        problem = null;
        return true;
    }

    private static bool IsStringClaim(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("iss"u8) || name.SequenceEqual("sub"u8) || name.SequenceEqual("graph"u8) || name.SequenceEqual("jti"u8) || name.SequenceEqual("type"u8);

    /// <summary>A JSON number from 0 up to, not including, <see cref="CompactJwsReader.MaxNumericDate"/>; fractions are truncated to whole seconds.</summary>
    private static bool TryReadNumericDate(ref Utf8JsonReader reader, out long seconds)
    {
        seconds = 0;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value)
            || value < 0 || value >= CompactJwsReader.MaxNumericDate)
        {
            return false;
        }

        seconds = (long)Math.Floor(value);
        return true;
    }

    private static bool TryReadStrings(ref Utf8JsonReader reader, out string[]? values)
    {
        values = null;
        return reader.TokenType == JsonTokenType.StartArray && TryReadAudiences(ref reader, out values);
    }

    private static bool TryReadAudiences(ref Utf8JsonReader reader, out string[]? audiences)
    {
        audiences = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                audiences = [reader.GetString()!];
                return true;
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    list.Add(reader.GetString()!);
                }

                audiences = [.. list];
                return true;
            default:
                return false;
        }
    }
}
