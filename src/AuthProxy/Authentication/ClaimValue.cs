using AuthProxy.Forwarding;

namespace AuthProxy.Authentication;

/// <summary>
/// One claim of a token, as policies read it: a string, an array of strings, or something else
/// (a number, a boolean, an object, an array holding anything but strings), which no rule matches
/// and no header carries.
/// </summary>
internal sealed class ClaimValue
{
    /// <summary>Arrays longer than this are not forwarded in a header.</summary>
    public const int MaxHeaderItems = 16;

    /// <summary>A header value longer than this (after encoding) is not forwarded.</summary>
    public const int MaxHeaderLength = 1024;

    public static readonly ClaimValue Unusable = new([], isString: false, usable: false);

    private string? _header;
    private string? _headerProblem;

    private ClaimValue(string[] values, bool isString, bool usable)
    {
        Values = values;
        IsString = isString;
        IsUsable = usable;
    }

    public static ClaimValue String(string value) => new([value], isString: true, usable: true);

    public static ClaimValue Array(string[] values) => new(values, isString: false, usable: true);

    /// <summary>The string, or the array's strings; empty when <see cref="IsUsable"/> is false.</summary>
    public string[] Values { get; }

    /// <summary>Whether the claim is a single string (not an array).</summary>
    public bool IsString { get; }

    /// <summary>Whether the claim is a string or an array of strings.</summary>
    public bool IsUsable { get; }

    /// <summary>
    /// The claim as a header value, worked out once per token: a string as it is, an array's
    /// strings joined with commas; printable ASCII kept, anything else (control characters, CR, LF,
    /// non-ASCII, and commas and <c>%</c> inside one value) percent-encoded as UTF-8. Null, with
    /// the reason, for a claim that is not a string or a short array of strings, or too long.
    /// </summary>
    public string? HeaderValue(out string? problem)
    {
        if (_header is null && _headerProblem is null)
        {
            (_header, _headerProblem) = BuildHeader();
        }

        problem = _headerProblem;
        return _header;
    }

    private (string?, string?) BuildHeader()
    {
        if (!IsUsable)
        {
            return (null, "is not a string or an array of strings");
        }

        if (Values.Length > MaxHeaderItems)
        {
            return (null, $"holds more than {MaxHeaderItems} values");
        }

        var value = IsString ? IdentityHeaders.Encode(Values[0]) : string.Join(',', Values.Select(IdentityHeaders.EncodeItem));
        return value.Length > MaxHeaderLength
            ? (null, $"is longer than {MaxHeaderLength} characters as a header")
            : (value, null);
    }
}
