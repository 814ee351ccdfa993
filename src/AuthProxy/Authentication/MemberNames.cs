using System.Buffers;
using System.Text.Json;
using AuthProxy.Errors;

namespace AuthProxy.Authentication;

/// <summary>
/// The member names of one JSON object, unescaped, kept as spans (start and length) of a pooled buffer: finds a
/// duplicate however it is spelled (<c>"s\u0075b"</c> is <c>"sub"</c>) without allocating per member.
/// </summary>
internal struct MemberNames
{
    private readonly byte[] _bytes;
    private (int Start, int Length)[] _names;
    private int _count;
    private int _used;

    public MemberNames(int capacity)
    {
        _names = ArrayPool<(int, int)>.Shared.Rent(32);
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
            var (start, length) = _names[i];
            if (length == written && _bytes.AsSpan(start, length).SequenceEqual(name))
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

        if (_count == _names.Length)
        {
            var larger = ArrayPool<(int, int)>.Shared.Rent(_names.Length * 2);
            _names.CopyTo(larger, 0);
            ArrayPool<(int, int)>.Shared.Return(_names);
            _names = larger;
        }

        _names[_count++] = (_used, written);
        _used += written;
        problem = null;
        return false;
    }

    public readonly void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<(int, int)>.Shared.Return(_names);
    }
}
