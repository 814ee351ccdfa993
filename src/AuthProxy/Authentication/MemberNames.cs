using System.Buffers;
using System.Text.Json;
using AuthProxy.Errors;

namespace AuthProxy.Authentication;

/// <summary>
/// The member names of one JSON object, unescaped, kept as ranges of a pooled buffer: finds a
/// duplicate however it is spelled (<c>"s\u0075b"</c> is <c>"sub"</c>) without allocating per member.
/// </summary>
internal struct MemberNames
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

    /// <summary>
    /// Adds the name the reader is on; true (with <paramref name="problem"/>) when it repeats one, there
    /// are too many, or it is not valid UTF-8 (an escaped lone surrogate throws <see cref="InvalidOperationException"/>).
    /// </summary>
    public bool AddIsDuplicate(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name, out string? problem, string part)
    {
        var written = reader.CopyString(_bytes.AsSpan(_used));
        name = _bytes.AsSpan(_used, written);
        if (!System.Text.Unicode.Utf8.IsValid(name))
        {
            problem = $"is not a valid JWT: its {part} is not base64url-encoded JSON";
            return true;
        }

        for (var i = 0; i < _count; i++)
        {
            if (_bytes.AsSpan(_ranges[i]).SequenceEqual(name))
            {
                problem = $"has the member '{Denials.Show(System.Text.Encoding.UTF8.GetString(name))}' twice in its {part}";
                return true;
            }
        }

        if (_count == CompactJwsReader.MaxMembers)
        {
            problem = $"has more than {CompactJwsReader.MaxMembers} members in its {part}";
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
