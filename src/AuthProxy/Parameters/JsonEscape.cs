using System.Text;

namespace AuthProxy.Parameters;

/// <summary>
/// Decodes the escapes of a JSON or JSON5 token byte by byte, as the most lenient common parser
/// does: JSON's <c>\b \f \n \r \t \uXXXX</c> and <c>\"</c>-style literals, JSON5's <c>\v</c>,
/// <c>\0</c> and <c>\xHH</c>, and JSON5's line continuations (a backslash before LF, CR, CR LF,
/// U+2028 or U+2029 stands for nothing); surrogate pairs joined (a lone surrogate reads as U+FFFD).
/// An escape cut short (<c>\x"</c>, <c>\u12"</c>) ends without taking the byte that cut it, which is
/// then read as itself: Ruby's json before 2.17 reads <c>\x</c> as <c>x</c>, so the quote after it
/// still closes the string.
/// </summary>
internal sealed class JsonEscape
{
    private const int Hex = 1;
    private const int CarriageReturn = 2;
    private const int LineSeparator = 3;

    private bool _backslash;
    private int _pending;
    private int _hexLeft;
    private int _hexValue;
    private int _hexDigits;
    private byte _hexLetter;
    private int _separatorBytes;
    private int _highSurrogate;

    /// <summary>Whether an escape is being read (a backslash seen, hex digits due, or a line continuation not yet whole).</summary>
    public bool Active => _backslash || _pending != 0;

    /// <summary>Whether <paramref name="b"/> continues the escape being read; when not, call <see cref="Abandon"/> and read the byte as itself.</summary>
    public bool Continues(byte b) => _backslash || _pending switch
    {
        Hex => char.IsAsciiHexDigit((char)b),
        CarriageReturn => b == (byte)'\n',
        LineSeparator => _separatorBytes == 1 ? b == 0x80 : b is 0xA8 or 0xA9,
        _ => false,
    };

    /// <summary>Ends an escape cut short: what it held so far is read as text (<c>\x4</c> as <c>x4</c>; a CR continuation is already whole).</summary>
    public void Abandon(JsonMemberReader reader)
    {
        Span<byte> held = stackalloc byte[6];
        var length = 0;
        switch (_pending)
        {
            case Hex:
                held[length++] = _hexLetter;
                for (var shift = (_hexDigits - 1) * 4; shift >= 0; shift -= 4)
                {
                    held[length++] = (byte)"0123456789abcdef"[(_hexValue >> shift) & 0xF];
                }

                break;
            case LineSeparator:
                held[length++] = 0xE2;
                if (_separatorBytes == 2)
                {
                    held[length++] = 0x80;
                }

                break;
        }

        _backslash = false;
        _pending = 0;
        Flush(reader);
        if (length > 0)
        {
            reader.AppendDecoded(held[..length]);
        }
    }

    /// <summary>Forgets everything: a new token starts.</summary>
    public void Reset()
    {
        _backslash = false;
        _pending = 0;
        _hexLeft = 0;
        _hexValue = 0;
        _highSurrogate = 0;
    }

    /// <summary>
    /// Reads one byte of a token; true, with <paramref name="literal"/>, when the byte (or the escape it
    /// ends) stands for that one byte; false when it is part of an escape still being read, or ends one
    /// whose character was handed to <paramref name="reader"/>.
    /// </summary>
    public bool Read(byte b, out byte literal, JsonMemberReader reader)
    {
        literal = b;
        switch (_pending)
        {
            case Hex:
                ReadHexDigit(b, reader);
                return false;
            case CarriageReturn:
                _pending = 0; // the LF of a CR LF continuation
                return false;
            case LineSeparator:
                _separatorBytes++;
                _pending = _separatorBytes == 3 ? 0 : LineSeparator; // U+2028 or U+2029 whole: a continuation, nothing
                return false;
        }

        if (!_backslash)
        {
            _backslash = b == (byte)'\\';
            return !_backslash;
        }

        _backslash = false;
        switch (b)
        {
            case (byte)'u' or (byte)'x':
                _pending = Hex;
                _hexLetter = b;
                _hexLeft = b == (byte)'u' ? 4 : 2;
                _hexValue = 0;
                _hexDigits = 0;
                return false;
            case (byte)'\n':
                return false; // JSON5: a line continuation stands for nothing
            case (byte)'\r':
                _pending = CarriageReturn; // ... and so does CR LF
                return false;
            case 0xE2:
                _pending = LineSeparator; // ... and U+2028, U+2029 (E2 80 A8, E2 80 A9)
                _separatorBytes = 1;
                return false;
        }

        literal = b switch
        {
            (byte)'b' => 0x08,
            (byte)'f' => 0x0C,
            (byte)'n' => 0x0A,
            (byte)'r' => 0x0D,
            (byte)'t' => 0x09,
            (byte)'v' => 0x0B,
            (byte)'0' => 0x00,
            _ => b,
        };
        return true;
    }

    /// <summary>A high surrogate not followed by a low one stands for U+FFFD; call before adding anything else.</summary>
    public void Flush(JsonMemberReader reader)
    {
        if (_highSurrogate != 0)
        {
            _highSurrogate = 0;
            AppendRune(Rune.ReplacementChar, reader);
        }
    }

    private void ReadHexDigit(byte b, JsonMemberReader reader)
    {
        // Callers ask Continues first, so b is a hex digit.
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            _ => b - 'A' + 10,
        };
        _hexValue = (_hexValue << 4) | digit;
        _hexDigits++;
        if (--_hexLeft == 0)
        {
            _pending = 0;
            AppendCodeUnit(_hexValue, reader);
        }
    }

    private void AppendCodeUnit(int unit, JsonMemberReader reader)
    {
        if (char.IsHighSurrogate((char)unit))
        {
            Flush(reader);
            _highSurrogate = unit;
            return;
        }

        if (char.IsLowSurrogate((char)unit) && _highSurrogate != 0)
        {
            var pair = new Rune((char)_highSurrogate, (char)unit);
            _highSurrogate = 0;
            AppendRune(pair, reader);
            return;
        }

        Flush(reader);
        AppendRune(Rune.IsValid(unit) ? new Rune(unit) : Rune.ReplacementChar, reader);
    }

    private static void AppendRune(Rune rune, JsonMemberReader reader)
    {
        Span<byte> utf8 = stackalloc byte[4];
        reader.AppendDecoded(utf8[..rune.EncodeToUtf8(utf8)]);
    }
}
