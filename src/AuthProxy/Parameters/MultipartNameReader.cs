namespace AuthProxy.Parameters;

/// <summary>
/// The part names of a <c>multipart/*</c> body, which Rack and PHP read as parameters: the
/// <c>name</c> (or RFC 2231 <c>name*</c>, and its <c>name*0</c>, <c>name*1</c> continuations)
/// of every <c>Content-Disposition</c> header. Every line of the body that starts with
/// <c>Content-Disposition</c> is read as one, whatever the boundary, so no boundary trick hides a
/// part from it; a file that happens to hold such a line is read too (and refused only if that line
/// names a refused parameter).
/// </summary>
internal sealed class MultipartNameReader(KeyMatcher matcher) : BodyKeyReader(matcher)
{
    /// <summary>The longest <c>Content-Disposition</c> header kept, continuation lines included; a longer one is refused.</summary>
    public const int HeaderLimit = 4096;

    private static readonly byte[] Disposition = "content-disposition"u8.ToArray();

    private readonly KeyMatcher _matcher = matcher;
    private State _state = State.LineStart;
    private int _matched;
    private byte[]? _header;
    private int _headerLength;
    private bool _headerOverflow;
    private bool _pending;

    private enum State
    {
        LineStart,
        Matching,
        Header,
        Skip,
    }

    public override void Read(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && !_matcher.Refused)
        {
            var b = data[i];
            switch (_state)
            {
                case State.LineStart:
                    if (_pending && b is (byte)' ' or (byte)'\t')
                    {
                        AppendHeader((byte)' '); // a folded continuation of the header before
                        _state = State.Header;
                        i++;
                        continue;
                    }

                    FinishHeader();
                    _matched = 0;
                    _state = State.Matching;
                    continue; // read this byte as the line's first
                case State.Matching:
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                    }
                    else if (_matched == 0 && b is (byte)' ' or (byte)'\t')
                    {
                        // leading whitespace before a header name
                    }
                    else if ((b | 0x20) == Disposition[_matched])
                    {
                        if (++_matched == Disposition.Length)
                        {
                            _header ??= new byte[HeaderLimit];
                            _headerLength = 0;
                            _headerOverflow = false;
                            _state = State.Header;
                        }
                    }
                    else
                    {
                        _state = State.Skip;
                        continue;
                    }

                    i++;
                    continue;
                case State.Header:
                    var end = data[i..].IndexOf((byte)'\n');
                    var piece = end < 0 ? data[i..] : data.Slice(i, end);
                    foreach (var value in piece)
                    {
                        AppendHeader(value);
                    }

                    if (end < 0)
                    {
                        return;
                    }

                    _pending = true;
                    _state = State.LineStart;
                    i += end + 1;
                    continue;
                default:
                    var newline = data[i..].IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        return;
                    }

                    _state = State.LineStart;
                    i += newline + 1;
                    continue;
            }
        }
    }

    public override void Complete()
    {
        if (_state == State.Header)
        {
            _pending = true;
        }

        FinishHeader();
    }

    private void AppendHeader(byte value)
    {
        if (_headerLength < HeaderLimit)
        {
            _header![_headerLength++] = value;
        }
        else
        {
            _headerOverflow = true;
        }
    }

    /// <summary>Reads the names of the header collected, now that no continuation line follows.</summary>
    private void FinishHeader()
    {
        if (!_pending)
        {
            return;
        }

        _pending = false;
        if (_headerOverflow)
        {
            _matcher.Unreadable($"a part's Content-Disposition header is longer than {HeaderLimit} bytes");
            return;
        }

        var header = _header.AsSpan(0, _headerLength);
        var continued = false;
        var position = 0;
        while (position < header.Length && !_matcher.Refused)
        {
            position = ReadParameter(header, position, out var key, out var value);
            key = key.Trim(" \t\r\n:"u8);
            if (IsNameKey(key, out var continuation, out var extended))
            {
                if (extended)
                {
                    value = ExtendedValue(value);
                }

                if (continuation)
                {
                    Append(value);
                    continued = true;
                }
                else
                {
                    Append(value);
                    EndKey();
                }
            }
        }

        if (continued)
        {
            EndKey();
        }
    }

    /// <summary>
    /// One <c>key=value</c> parameter from <paramref name="position"/>: the value unquoted (double or
    /// single quotes, backslash escapes kept as the escaped byte); returns where the next one starts.
    /// </summary>
    private static int ReadParameter(ReadOnlySpan<byte> header, int position, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        var rest = header[position..];
        var stop = rest.IndexOfAny((byte)'=', (byte)';');
        if (stop < 0 || rest[stop] == (byte)';')
        {
            key = stop < 0 ? rest : rest[..stop];
            value = default;
            return stop < 0 ? header.Length : position + stop + 1;
        }

        key = rest[..stop];
        var start = stop + 1;
        while (start < rest.Length && rest[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        if (start < rest.Length && rest[start] is (byte)'"' or (byte)'\'')
        {
            // Quoted: the value's bytes are kept without the escapes' backslashes, in place.
            var quote = rest[start];
            var end = start + 1;
            while (end < rest.Length && rest[end] != quote)
            {
                end += rest[end] == (byte)'\\' ? 2 : 1;
            }

            value = Unescape(rest[(start + 1)..Math.Min(end, rest.Length)]);
            var next = rest[Math.Min(end + 1, rest.Length)..].IndexOf((byte)';');
            return next < 0 ? header.Length : position + Math.Min(end + 1, rest.Length) + next + 1;
        }

        var semicolon = rest[start..].IndexOf((byte)';');
        value = (semicolon < 0 ? rest[start..] : rest.Slice(start, semicolon)).TrimEnd("\r\t "u8);
        return semicolon < 0 ? header.Length : position + start + semicolon + 1;
    }

    /// <summary>A quoted value without its escaping backslashes (a copy only when there are some).</summary>
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> quoted)
    {
        if (quoted.IndexOf((byte)'\\') < 0)
        {
            return quoted;
        }

        var copy = new byte[quoted.Length];
        var length = 0;
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == (byte)'\\' && i + 1 < quoted.Length)
            {
                i++;
            }

            copy[length++] = quoted[i];
        }

        return copy.AsSpan(0, length);
    }

    /// <summary><c>name</c>, <c>name*</c> (extended), <c>name*N</c> and <c>name*N*</c> (continuations), in any case.</summary>
    private static bool IsNameKey(ReadOnlySpan<byte> key, out bool continuation, out bool extended)
    {
        continuation = false;
        extended = false;
        if (key.Length < 4 || !System.Text.Ascii.EqualsIgnoreCase(key[..4], "name"u8))
        {
            return false;
        }

        var rest = key[4..];
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest[0] != (byte)'*')
        {
            return false;
        }

        rest = rest[1..];
        extended = rest.IsEmpty || rest[^1] == (byte)'*';
        var digits = extended && !rest.IsEmpty ? rest[..^1] : rest;
        continuation = !digits.IsEmpty;
        return digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
    }

    /// <summary>An RFC 2231 extended value without its <c>charset'language'</c> prefix; the percent-encoding stays for <see cref="KeyMatcher"/>.</summary>
    private static ReadOnlySpan<byte> ExtendedValue(ReadOnlySpan<byte> value)
    {
        var first = value.IndexOf((byte)'\'');
        var second = first < 0 ? -1 : value[(first + 1)..].IndexOf((byte)'\'');
        return second < 0 ? value : value[(first + second + 2)..];
    }
}
