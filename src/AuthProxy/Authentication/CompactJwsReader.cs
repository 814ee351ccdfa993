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

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

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
            return TryReadClaims(buffer.AsSpan(0, length), out claims, out problem);
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
                    reader.Skip();
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

    private static bool TryReadClaims(ReadOnlySpan<byte> json, out JwtClaims claims, out string? problem)
    {
        claims = default;
        long? exp = null, nbf = null, iat = null;
        string? iss = null, sub = null, graph = null, jti = null, type = null;
        string[]? audiences = null;
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(Options));
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
                        reader.Skip();
                        break;
                }
            }

            EnsureEnd(ref reader);
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

        claims = new JwtClaims(exp, nbf, iat, iss, sub, graph, jti, type, audiences ?? []);
        problem = null;
        return true;
    }

    private static bool IsStringClaim(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("iss"u8) || name.SequenceEqual("sub"u8) || name.SequenceEqual("graph"u8) || name.SequenceEqual("jti"u8) || name.SequenceEqual("type"u8);

    /// <summary>A JSON number from 0 up to, not including, <see cref="MaxNumericDate"/>; fractions are truncated to whole seconds.</summary>
    private static bool TryReadNumericDate(ref Utf8JsonReader reader, out long seconds)
    {
        seconds = 0;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value)
            || value < 0 || value >= MaxNumericDate)
        {
            return false;
        }

        seconds = (long)Math.Floor(value);
        return true;
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

    /// <summary>Nothing may follow the closing brace of the root object.</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
        {
            throw new JsonException();
        }
    }

    /// <summary>
    /// The member names of one JSON object, unescaped, kept as ranges of a pooled buffer: finds a
    /// duplicate however it is spelled (<c>"s\u0075b"</c> is <c>"sub"</c>) without allocating per member.
    /// </summary>
    private struct MemberNames
    {
        private readonly byte[] _bytes;
        private Range[] _ranges;
        private int _count;
        private int _used;

        public MemberNames(int capacity)
        {
            _ranges = ArrayPool<Range>.Shared.Rent(32);
            _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
        }

        /// <summary>Adds the name the reader is on; true (with <paramref name="problem"/>) when it repeats one or there are too many.</summary>
        public bool AddIsDuplicate(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name, out string? problem, string part)
        {
            var written = reader.CopyString(_bytes.AsSpan(_used));
            name = _bytes.AsSpan(_used, written);
            for (var i = 0; i < _count; i++)
            {
                if (_bytes.AsSpan(_ranges[i]).SequenceEqual(name))
                {
                    problem = $"has the member '{Errors.Denials.Show(System.Text.Encoding.UTF8.GetString(name))}' twice in its {part}";
                    return true;
                }
            }

            if (_count == MaxMembers)
            {
                problem = $"has more than {MaxMembers} members in its {part}";
                return true;
            }

            if (_count == _ranges.Length)
            {
                var larger = ArrayPool<Range>.Shared.Rent(_ranges.Length * 2);
                _ranges.CopyTo(larger, 0);
                ArrayPool<Range>.Shared.Return(_ranges);
                _ranges = larger;
            }

            _ranges[_count++] = new Range(_used, _used + written);
            _used += written;
            problem = null;
            return false;
        }

        public readonly void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            ArrayPool<Range>.Shared.Return(_ranges);
        }
    }
}
