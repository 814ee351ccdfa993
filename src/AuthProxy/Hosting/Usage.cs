using System.Reflection;

namespace AuthProxy.Hosting;

/// <summary>The server binary's usage text and version, for <c>--help</c> and <c>--version</c>.</summary>
internal static class Usage
{
    public const string Text = """
        Usage:
          AuthProxy [--urls URLS] [--routes FILE] [--settings FILE] [--KEY=VALUE ...]    run the proxy
          AuthProxy COMMAND [ARGS]                                                     run an operator command

        Commands:
          config validate [--settings FILE] [--routes FILE] [--KEY=VALUE ...]
                             read settings, routes, users and keys as a start would (key URLs are
                             fetched), list every problem and exit 0 or 2; never listens, writes nothing
          config set KEY VALUE [--settings FILE]
                             check the whole settings file with the change, then write it
          config get KEY | config list | config entry security [--settings FILE]
          hash-password [--algorithm argon2id|pbkdf2-sha256]
                             read a password from standard input, print its hash for Users:NAME:PasswordHash
          mint-token --sub NAME (--secret TEXT|@FILE | --rsa-private-key @FILE) [--graph G] [--aud A] [--ttl S]
                             sign a test token as an identity provider would
          healthcheck [--url URL]
                             exit 0 when the local /healthz answers 200
          help, --help, -h   print this text
          version, --version print the version and commit

        Main switches:
          --urls URLS        where clients connect (default http://localhost:5000; ASPNETCORE_URLS)
          --routes FILE      the routes file (default routes.json)
          --settings FILE    the settings file (default ./authproxy.settings.json; AUTHPROXY_SETTINGS)
          --Users=@FILE      the users file
          --KEY=VALUE        any setting, for example --Security:JWT:Issuer=https://idp.example
                             (or the environment: Security__JWT__Issuer=https://idp.example)

        Every setting, its default and the accepted forms (durations: 00:05:00, 30s, 5m, 1h, 14d) are in
        README.md, "Configuration reference". Run 'AuthProxy COMMAND --help' for a command's options.
        """;

    /// <summary><c>AuthProxy 1.0.0 (commit 0123abc...)</c>: the informational version the build stamped, split at its <c>+</c>.</summary>
    public static string Version()
    {
        var informational = typeof(Usage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 || plus == informational.Length - 1 ? "unknown" : informational[(plus + 1)..];
        return $"AuthProxy {version} (commit {commit}; .NET {Environment.Version})";
    }
}
