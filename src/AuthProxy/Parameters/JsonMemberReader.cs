using System.Text;

namespace AuthProxy.Parameters;

/// <summary>
/// The names of the top-level members of a JSON body (<c>{"graph": ..., "_method": ...}</c>), which
/// Rails, Laravel and Express merge into the request's parameters; members of nested objects and
/// elements of a top-level array are not parameters and are skipped. A lenient tokenizer: it never
/// refuses malformed JSON (the backend will), and it treats every string in a name's place at the
/// top level as a name, every top-level object of a stream of them included.
/// </summary>
internal sealed class JsonMemberReader(KeyMatcher matcher) : BodyKeyReader(matcher)
{
    private int _depth;
    private bool _topIsObject;
    private bool _expectName;
    private bool _inString;
    private bool _readingName;
    private bool _escape;
    private int _hexLeft;
    private int _hexValue;
    private int _highSurrogate;

    public override void Read(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_inString)
            {
                i = ReadString(data, i);
                continue;
            }

            switch (data[i])
            {
                case (byte)'{':
                    if (_depth == 0)
                    {
                        _topIsObject = true;
                    }

                    _depth++;
                    _expectName = _depth == 1 && _topIsObject;
                    break;
                case (byte)'[':
                    if (_depth == 0)
                    {
                        _topIsObject = false;
                    }

                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    _depth = Math.Max(0, _depth - 1);
                    break;
                case (byte)',':
                    _expectName = _depth == 1 && _topIsObject;
                    break;
                case (byte)':':
                    _expectName = false;
                    break;
                case (byte)'"':
                    _inString = true;
                    _readingName = _expectName && _depth == 1 && _topIsObject;
                    _expectName = false;
                    DropKey();
                    break;
            }

            i++;
        }
    }

    public override void Complete()
    {
        if (_readingName)
        {
            EndKey(); // an unterminated name: judge what there is
        }
    }

    /// <summary>Reads string content from <paramref name="i"/>; returns where to go on.</summary>
    private int ReadString(ReadOnlySpan<byte> data, int i)
    {
        if (!_readingName && !_escape && _hexLeft == 0)
        {
            // Skip a value's content fast: only a quote or a backslash matters.
            var special = data[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                return data.Length;
            }

            i += special;
        }

        var b = data[i];
        if (_hexLeft > 0)
        {
            ReadHexDigit(b);
        }
        else if (_escape)
        {
            _escape = false;
            if (b == (byte)'u')
            {
                _hexLeft = 4;
                _hexValue = 0;
            }
            else
            {
                AppendName(b switch
                {
                    (byte)'b' => 0x08,
                    (byte)'f' => 0x0C,
                    (byte)'n' => 0x0A,
                    (byte)'r' => 0x0D,
                    (byte)'t' => 0x09,
                    _ => b,
                });
            }
        }
        else if (b == (byte)'\\')
        {
            _escape = true;
        }
        else if (b == (byte)'"')
        {
            _inString = false;
            if (_readingName)
            {
                FlushSurrogate();
                _readingName = false;
                EndKey();
            }
        }
        else
        {
            AppendName(b);
        }

        return i + 1;
    }

    private void ReadHexDigit(byte b)
    {
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (digit < 0)
        {
            _hexLeft = 0; // malformed escape: the backend refuses the body; keep reading
            return;
        }

        _hexValue = (_hexValue << 4) | digit;
        if (--_hexLeft == 0 && _readingName)
        {
            AppendCodeUnit(_hexValue);
        }
    }

    private void AppendName(int value)
    {
        if (_readingName)
        {
            FlushSurrogate();
            Append((byte)value);
        }
    }

    /// <summary>Adds a <c>\uXXXX</c> escape to the name as UTF-8, pairing surrogates.</summary>
    private void AppendCodeUnit(int unit)
    {
        if (char.IsHighSurrogate((char)unit))
        {
            FlushSurrogate();
            _highSurrogate = unit;
            return;
        }

        if (char.IsLowSurrogate((char)unit) && _highSurrogate != 0)
        {
            AppendRune(new Rune((char)_highSurrogate, (char)unit));
            _highSurrogate = 0;
            return;
        }

        FlushSurrogate();
        AppendRune(Rune.IsValid(unit) ? new Rune(unit) : Rune.ReplacementChar);
    }

    /// <summary>A high surrogate not followed by a low one stands for U+FFFD.</summary>
    private void FlushSurrogate()
    {
        if (_highSurrogate != 0)
        {
            _highSurrogate = 0;
            AppendRune(Rune.ReplacementChar);
        }
    }

    private void AppendRune(Rune rune)
    {
        Span<byte> utf8 = stackalloc byte[4];
        Append(utf8[..rune.EncodeToUtf8(utf8)]);
    }
}
