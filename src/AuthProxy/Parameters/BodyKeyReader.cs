namespace AuthProxy.Parameters;

/// <summary>
/// Reads the parameter names out of a body as it streams past, chunk by chunk, keeping no more than
/// <see cref="KeyLimit"/> bytes of the name being read, and hands each name to a <see cref="KeyMatcher"/>.
/// </summary>
internal abstract class BodyKeyReader(KeyMatcher matcher)
{
    /// <summary>The longest name kept whole; a longer one is judged by its first bytes (<see cref="KeyMatcher.Check"/>).</summary>
    public const int KeyLimit = 256;

    private readonly byte[] _key = new byte[KeyLimit];
    private long _length;

    /// <summary>Reads the next chunk of the body.</summary>
    public abstract void Read(ReadOnlySpan<byte> data);

    /// <summary>The body has ended: checks a name still being read.</summary>
    public abstract void Complete();

    /// <summary>Whether a name is being read (some bytes of it kept).</summary>
    protected bool HasKey => _length > 0;

    /// <summary>Adds bytes to the name being read.</summary>
    protected void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length < KeyLimit)
        {
            var kept = (int)Math.Min(bytes.Length, KeyLimit - _length);
            bytes[..kept].CopyTo(_key.AsSpan((int)_length));
        }

        _length += bytes.Length;
    }

    /// <summary>Adds one byte to the name being read.</summary>
    protected void Append(byte value)
    {
        if (_length < KeyLimit)
        {
            _key[_length] = value;
        }

        _length++;
    }

    /// <summary>The name being read has ended: checks it, and starts a new one.</summary>
    protected void EndKey()
    {
        if (_length > 0)
        {
            matcher.Check(_key.AsSpan(0, (int)Math.Min(_length, KeyLimit)), whole: _length <= KeyLimit);
        }

        _length = 0;
    }

    /// <summary>Drops the name being read without checking it.</summary>
    protected void DropKey() => _length = 0;
}
