namespace AuthProxy.Forwarding;

/// <summary>
/// Compares header names as <see cref="HeaderSpelling"/> does, and hashes them alike, so a set of
/// names answers for a request header's name (a span) without allocating.
/// </summary>
internal sealed class HeaderNameComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
{
    public static HeaderNameComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) => x is null ? y is null : y is not null && HeaderSpelling.Same(x, y);

    public int GetHashCode(string obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<char> alternate, string other) => HeaderSpelling.Same(alternate, other);

    public int GetHashCode(ReadOnlySpan<char> alternate) => Hash(alternate);

    public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();

    /// <summary>FNV-1a over the folded characters.</summary>
    private static int Hash(ReadOnlySpan<char> name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ HeaderSpelling.Fold(c)) * 16777619u;
        }

        return (int)hash;
    }
}
