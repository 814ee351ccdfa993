namespace AuthProxy.Parameters;

/// <summary>
/// The keys of an <c>application/x-www-form-urlencoded</c> body: what comes before <c>=</c> in each
/// pair, pairs separated by <c>&amp;</c> and, as older Python and Perl CGI read them, by <c>;</c>.
/// Keys are judged as sent (percent-encoded); <see cref="KeyMatcher"/> decodes them as backends do.
/// A raw NUL byte in a key means a wide encoding, and the body is refused as unreadable.
/// </summary>
internal sealed class FormKeyReader(KeyMatcher matcher) : BodyKeyReader(matcher)
{
    /// <summary>Why a form with a raw NUL byte in a key is refused.</summary>
    public const string WideText = "it holds NUL bytes in its keys, as a form in UTF-16 or UTF-32 does, and AuthProxy reads forms in UTF-8 and single-byte charsets only";

    private readonly KeyMatcher _matcher = matcher;
    private bool _inValue;

    public override void Read(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_inValue)
            {
                // Values can be long: skip them with a vectorised search.
                var next = data[i..].IndexOfAny((byte)'&', (byte)';');
                if (next < 0)
                {
                    return;
                }

                _inValue = false;
                i += next + 1;
                continue;
            }

            // Keys are short: a plain loop, then one copy.
            var start = i;
            while (i < data.Length && data[i] is not ((byte)'&' or (byte)';' or (byte)'='))
            {
                i++;
            }

            var key = data[start..i];
            if (key.Contains((byte)0))
            {
                // A raw NUL (an encoded one is %00) in a key: the form is UTF-16 or UTF-32, which a backend
                // may decode from a charset AuthProxy could not read, or sniff from the bytes.
                _matcher.Unreadable(WideText);
                return;
            }

            Append(key);
            if (i == data.Length)
            {
                return;
            }

            EndKey();
            _inValue = data[i] == (byte)'=';
            i++;
        }
    }

    public override void Complete()
    {
        if (!_inValue)
        {
            EndKey();
        }
    }
}
