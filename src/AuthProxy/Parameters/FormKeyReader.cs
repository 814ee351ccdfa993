namespace AuthProxy.Parameters;

/// <summary>
/// The keys of an <c>application/x-www-form-urlencoded</c> body: what comes before <c>=</c> in each
/// pair, pairs separated by <c>&amp;</c> and, as older Python and Perl CGI read them, by <c>;</c>.
/// Keys are judged as sent (percent-encoded); <see cref="KeyMatcher"/> decodes them as backends do.
/// </summary>
internal sealed class FormKeyReader(KeyMatcher matcher) : BodyKeyReader(matcher)
{
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

            Append(data[start..i]);
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
