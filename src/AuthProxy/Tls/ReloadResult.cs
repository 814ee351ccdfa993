namespace AuthProxy.Tls;

/// <summary>The outcome of one check of certificate files, with the problems of a refused version.</summary>
internal readonly record struct ReloadResult(ReloadResultKind Kind, IReadOnlyList<string> Problems)
{
    public static readonly ReloadResult Unchanged = new(ReloadResultKind.Unchanged, []);

    public static readonly ReloadResult Reloaded = new(ReloadResultKind.Reloaded, []);
}
