using System.Text;

namespace AuthProxy.Parameters;

/// <summary>
/// Decodes the escapes of a JSON or JSON5 token byte by byte, as the most lenient common parser
/// does: JSON's <c>\b \f \n \r \t \uXXXX</c> and <c>\"</c>-style literals, JSON5's <c>\v</c>,
/// <c>\0</c> and <c>\xHH</c>, surrogate pairs joined (a lone surrogate reads as U+FFFD). A malformed
/// escape ends quietly: the backend refuses such a body, so nothing is gained by guessing.
/// </summary>
internal sealed class JsonEscape
{
    private bool _backslash;
    private int _hexLeft;
    private int _hexValue;
    private int _highSurrogate;

    /// <summary>Whether an escape is being read (a backslash seen, or hex digits still due).</summary>
    public bool Active => _backslash || _hexLeft > 0;

    /// <summary>Forgets everything: a new token starts.</summary>
    public void Reset()
    {
        _backslash = false;
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
        if (_hexLeft > 0)
        {
            ReadHexDigit(b, reader);
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
            case (byte)'u':
                _hexLeft = 4;
                _hexValue = 0;
                return false;
            case (byte)'x':
                _hexLeft = 2;
                _hexValue = 0;
                return false;
            case (byte)'\n' or (byte)'\r':
                return false; // JSON5: a line continuation stands for nothing
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
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (digit < 0)
        {
            _hexLeft = 0;
            return;
        }

        _hexValue = (_hexValue << 4) | digit;
        if (--_hexLeft == 0)
        {
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
