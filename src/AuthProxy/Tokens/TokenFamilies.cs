using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>How telemetry names a <see cref="TokenFamily"/>.</summary>
internal static class TokenFamilies
{
    /// <summary>The tag for user-wide revocations, which span every family.</summary>
    public const string All = "all";

    public static string Tag(TokenFamily family) => family switch
    {
        TokenFamily.Gsql => "gsql",
        TokenFamily.GridGain => "gridgain",
        _ => "personal",
    };

    public static string Tag(TokenFamily? family) => family is { } f ? Tag(f) : All;
}
