namespace AuthProxy.Parameters;

/// <summary>
/// The names of the top-level members of a JSON body (<c>{"graph": ..., "_method": ...}</c>), which
/// Rails, Laravel, Express and ASP.NET merge into the request's parameters; members of nested
/// objects and elements of a top-level array are not parameters and are skipped. It tokenises as
/// the most lenient common parser does, so that a name any of them reads is seen: <c>/* */</c>,
/// <c>//</c> and <c>#</c> comments (Json.NET, Ruby's json, JSON5, Jackson's YAML comments) are
/// skipped, names may be double-quoted, single-quoted (Json.NET, JavaScriptSerializer, JSON5) or
/// bare (<c>{graph: 1}</c>), with JSON's and JSON5's escapes. It never refuses malformed JSON (the
/// backend will), and fails closed where parsers could differ: every token in a name's place at the
/// top level is a name, and so is every other top-level token that a <c>:</c> follows. A NUL byte
/// between tokens means UTF-16 or UTF-32 text, which Jackson reads and AuthProxy does not: the body
/// is refused as unreadable. Streaming, with nothing kept but the name being read.
/// </summary>
internal sealed class JsonMemberReader(KeyMatcher matcher) : BodyKeyReader(matcher)
{
    /// <summary>Why a body with a NUL between its tokens is refused.</summary>
    public const string WideText = "it holds NUL bytes between its tokens, as JSON in UTF-16 or UTF-32 does (Jackson reads it so), and AuthProxy reads JSON in UTF-8 only";

    private readonly KeyMatcher _matcher = matcher;
    /// <summary>Why a body whose line comment parsers would end at different places is refused.</summary>
    public const string CommentEnds = "it holds a // or # comment with a carriage return or a line separator before its line feed, where some JSON parsers end the comment and others read on";

    private readonly JsonEscape _escape = new();
    private bool _commentReturn;
    private State _state;
    private int _depth;
    private bool _topIsObject;
    private bool _namePlace;
    private bool _keeping;
    private bool _isName;
    private bool _candidate;
    private byte _quote;
    private int _lineSeparator;
    private readonly byte[] _sequence = new byte[4];
    private int _sequenceLength;
    private int _sequenceNeeded;

    private enum State
    {
        Between,
        Sequence,
        String,
        Bare,
        Slash,
        LineComment,
        BlockComment,
        BlockCommentStar,
    }

    public override void Read(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && !_matcher.Refused)
        {
            var b = data[i];
            if (_escape.Active && _state is (State.String or State.Bare) && !_escape.Continues(b))
            {
                _escape.Abandon(this); // an escape cut short: the byte that cut it is read as itself
            }

            switch (_state)
            {
                case State.String:
                    i = ReadString(data, i);
                    continue;
                case State.Bare when IsBareEnd(b):
                    EndToken();
                    continue; // the byte that ended it is read between tokens
                case State.Bare:
                    ReadContent(b);
                    break;
                case State.Slash:
                    _state = b switch { (byte)'*' => State.BlockComment, (byte)'/' => State.LineComment, _ => State.Between };
                    if (_state == State.Between)
                    {
                        continue; // a lone '/': not a comment, and not part of a name
                    }

                    break;
                case State.LineComment:
                    ReadLineComment(b);
                    break;
                case State.BlockComment:
                    var star = data[i..].IndexOf((byte)'*');
                    if (star < 0)
                    {
                        return;
                    }

                    i += star;
                    _state = State.BlockCommentStar;
                    break;
                case State.BlockCommentStar:
                    _state = b switch { (byte)'/' => State.Between, (byte)'*' => State.BlockCommentStar, _ => State.BlockComment };
                    break;
                case State.Sequence:
                    if (!ReadSequence(b))
                    {
                        continue; // not a continuation byte: read it after the bytes collected
                    }

                    break;
                default:
                    ReadBetween(b);
                    break;
            }

            i++;
        }
    }

    public override void Complete()
    {
        if (_state is State.String or State.Bare && _isName)
        {
            _escape.Flush(this);
            EndKey(); // an unterminated name: judge what there is
        }
    }

    /// <summary>A byte between tokens: whitespace, a comment, a structural character, or the start of a token.</summary>
    private void ReadBetween(byte b)
    {
        if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C)
        {
            return;
        }

        switch (b)
        {
            case 0:
                _matcher.Unreadable(WideText);
                return;
            case (byte)'/':
                _state = State.Slash;
                return;
            case (byte)'#':
                _state = State.LineComment;
                return;
            case >= 0xC2 and <= 0xF4:
                // A multi-byte character: Unicode whitespace (no-break space, ideographic space, byte order mark) separates tokens too.
                _sequence[0] = b;
                _sequenceLength = 1;
                _sequenceNeeded = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                _state = State.Sequence;
                return;
        }

        // Anything else ends a top-level token waiting for its ':'.
        if (_candidate)
        {
            _candidate = false;
            if (b == (byte)':')
            {
                EndKey();
            }
            else
            {
                DropKey();
            }
        }

        switch (b)
        {
            case (byte)'{':
                _topIsObject |= _depth == 0;
                _depth++;
                _namePlace = _depth == 1 && _topIsObject;
                break;
            case (byte)'[':
                _topIsObject &= _depth != 0;
                _depth++;
                _namePlace = false;
                break;
            case (byte)'}' or (byte)']':
                _depth = Math.Max(0, _depth - 1);
                _namePlace = false;
                break;
            case (byte)',':
                _namePlace = _depth == 1 && _topIsObject;
                break;
            case (byte)':':
                _namePlace = false;
                break;
            case (byte)'"' or (byte)'\'':
                StartToken(State.String);
                _quote = b;
                break;
            case < 0x20 or 0x7F:
                break; // other control characters: no parser reads them as a token
            default:
                StartToken(State.Bare);
                ReadContent(b);
                break;
        }
    }

    /// <summary>Collects a multi-byte character met between tokens; false when <paramref name="b"/> does not belong to it.</summary>
    private bool ReadSequence(byte b)
    {
        if ((b & 0xC0) == 0x80)
        {
            _sequence[_sequenceLength++] = b;
            if (_sequenceLength < _sequenceNeeded)
            {
                return true;
            }

            var text = System.Text.Encoding.UTF8.GetString(_sequence, 0, _sequenceLength);
            if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || text[0] == '\uFEFF'))
            {
                _state = State.Between;
                return true;
            }
        }

        // A letter (or malformed bytes): the start of a bare token.
        _state = State.Between;
        ReadBetween(_sequence[0]);
        _state = State.Bare;
        for (var k = 1; k < _sequenceLength; k++)
        {
            ReadContent(_sequence[k]);
        }

        return (b & 0xC0) == 0x80;
    }

    /// <summary>
    /// A byte of a <c>//</c> or <c>#</c> comment. Every parser ends one at LF; Json.NET and JSON5 also
    /// at CR, JSON5 at U+2028 and U+2029 too, and Ruby's json only at LF. Where they would disagree (a
    /// CR not followed by LF, a line or paragraph separator), what follows is a name to some and a
    /// comment to others, so the body is refused as unreadable.
    /// </summary>
    private void ReadLineComment(byte b)
    {
        if (_commentReturn)
        {
            _commentReturn = false;
            if (b != (byte)'\n')
            {
                _matcher.Unreadable(CommentEnds);
                return;
            }
        }

        _lineSeparator = b switch
        {
            0xE2 => 1,
            0x80 when _lineSeparator == 1 => 2,
            0xA8 or 0xA9 when _lineSeparator == 2 => 3,
            _ => 0,
        };
        if (_lineSeparator == 3)
        {
            _matcher.Unreadable(CommentEnds);
        }
        else if (b == (byte)'\r')
        {
            _commentReturn = true; // ends here only if LF follows
        }
        else if (b == (byte)'\n')
        {
            _lineSeparator = 0;
            _state = State.Between;
        }
    }

    private void StartToken(State state)
    {
        _state = state;
        _keeping = _depth == 1 && _topIsObject;
        _isName = _keeping && _namePlace;
        _namePlace = false;
        _escape.Reset();
        DropKey();
    }

    private void EndToken()
    {
        _escape.Flush(this);
        _state = State.Between;
        if (_isName)
        {
            _isName = false;
            EndKey();
        }
        else if (_keeping)
        {
            _candidate = true; // a name if ':' comes next
        }
    }

    /// <summary>Reads string content from <paramref name="i"/>; returns where to go on.</summary>
    private int ReadString(ReadOnlySpan<byte> data, int i)
    {
        if (!_escape.Active)
        {
            // Only the closing quote and a backslash matter; the rest is kept (or skipped) in one piece.
            var special = data[i..].IndexOfAny(_quote, (byte)'\\');
            var plain = special < 0 ? data[i..] : data.Slice(i, special);
            if (_keeping && !plain.IsEmpty)
            {
                _escape.Flush(this);
                Append(plain);
            }

            if (special < 0)
            {
                return data.Length;
            }

            i += special;
            if (data[i] == _quote)
            {
                EndToken();
                return i + 1;
            }
        }

        ReadContent(data[i]);
        return i + 1;
    }

    /// <summary>One byte of a token's content, escapes decoded.</summary>
    private void ReadContent(byte b)
    {
        if (_escape.Read(b, out var literal, this) && _keeping)
        {
            _escape.Flush(this);
            Append(literal);
        }
    }

    /// <summary>Whether <paramref name="b"/> ends a bare token: whitespace, control characters, structural characters, quotes and comment starts.</summary>
    private bool IsBareEnd(byte b) =>
        !_escape.Active && b is <= 0x20 or 0x7F or (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)',' or (byte)':'
            or (byte)'"' or (byte)'\'' or (byte)'/' or (byte)'#';

    /// <summary>Adds decoded characters to the name being read, for <see cref="JsonEscape"/>.</summary>
    internal void AppendDecoded(ReadOnlySpan<byte> utf8)
    {
        if (_keeping)
        {
            Append(utf8);
        }
    }
}
