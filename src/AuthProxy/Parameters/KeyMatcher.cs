using System.Buffers;
using System.Text;
using AuthProxy.Policy;

namespace AuthProxy.Parameters;

/// <summary>
/// Checks parameter names read from a body against the names AuthProxy refuses there, with the
/// twin rules of <see cref="QueryKeys"/> (the exact name included), and keeps the first that matches.
/// </summary>
internal sealed class KeyMatcher(IReadOnlyList<string> names)
{
    /// <summary>Printable ASCII that no twin rule decodes, trims, cuts at or splits on: a key of only these is read as it is.</summary>
    private static readonly SearchValues<byte> Plain = SearchValues.Create(
        "!\"#$&'()*,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private readonly string[] _names = [.. names];
    private readonly int[] _lengths = [.. names.Select(n => n.Length).Distinct()];
    private readonly char[] _chars = new char[BodyKeyReader.KeyLimit];

    /// <summary>The first matching key as the client sent it (decoded from UTF-8), or null.</summary>
    public string? Found { get; private set; }

    /// <summary>The name <see cref="Found"/> reads as.</summary>
    public string? Name { get; private set; }

    /// <summary>Why a name could not be read at all (then it may be any name: fail closed), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Whether the body is refused: a name matched, or one could not be read.</summary>
    public bool Refused => Found is not null || Problem is not null;

    /// <summary>Records that a name could not be read, for example because its header is too long to keep.</summary>
    public void Unreadable(string why) => Problem ??= why;

    /// <summary>
    /// Checks one key's UTF-8 bytes: a whole key, or (<paramref name="whole"/> false) the first
    /// bytes of a key too long to keep, which matches when the whole key could read as a name.
    /// </summary>
    /// <param name="key">At most <see cref="BodyKeyReader.KeyLimit"/> bytes.</param>
    public bool Check(ReadOnlySpan<byte> key, bool whole)
    {
        if (Refused)
        {
            return true;
        }

        // Most keys are plain: read as they are, they match a name of their length compared ignoring case, or nothing.
        if (whole && !key.ContainsAnyExcept(Plain))
        {
            return Array.IndexOf(_lengths, key.Length) >= 0 && CheckPlain(key);
        }

        var count = Encoding.UTF8.GetChars(key[..Math.Min(key.Length, BodyKeyReader.KeyLimit)], _chars);
        var text = _chars.AsSpan(0, count);
        foreach (var name in _names)
        {
            if (whole ? QueryKeys.ReadsAsName(text, name) : QueryKeys.MayReadAsName(text, name))
            {
                Found = whole ? text.ToString() : text.ToString() + "...";
                Name = name;
                return true;
            }
        }

        return false;
    }

    private bool CheckPlain(ReadOnlySpan<byte> key)
    {
        foreach (var name in _names)
        {
            if (QueryKeys.SamePlainKey(key, name))
            {
                Found = Encoding.ASCII.GetString(key);
                Name = name;
                return true;
            }
        }

        return false;
    }
}
