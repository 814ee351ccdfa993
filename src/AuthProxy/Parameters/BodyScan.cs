namespace AuthProxy.Parameters;

/// <summary>
/// The readers a body of the given kinds needs (all of them when a request carries several
/// <c>Content-Type</c>s), fed the same chunks, reporting to one <see cref="KeyMatcher"/>.
/// </summary>
internal sealed class BodyScan
{
    private readonly BodyKeyReader[] _readers;

    public BodyScan(BodyKinds kinds, IReadOnlyList<string> names)
    {
        Matcher = new KeyMatcher(names);
        var readers = new List<BodyKeyReader>(1);
        if ((kinds & BodyKinds.Form) != 0)
        {
            readers.Add(new FormKeyReader(Matcher));
        }

        if ((kinds & BodyKinds.Json) != 0)
        {
            readers.Add(new JsonMemberReader(Matcher));
        }

        if ((kinds & BodyKinds.Multipart) != 0)
        {
            readers.Add(new MultipartNameReader(Matcher));
        }

        _readers = [.. readers];
    }

    public KeyMatcher Matcher { get; }

    /// <summary>Reads the next chunk; true when the body is refused.</summary>
    public bool Read(ReadOnlySpan<byte> data)
    {
        foreach (var reader in _readers)
        {
            if (Matcher.Refused)
            {
                break;
            }

            reader.Read(data);
        }

        return Matcher.Refused;
    }

    /// <summary>The body has ended; true when it is refused.</summary>
    public bool Complete()
    {
        foreach (var reader in _readers)
        {
            if (!Matcher.Refused)
            {
                reader.Complete();
            }
        }

        return Matcher.Refused;
    }
}
