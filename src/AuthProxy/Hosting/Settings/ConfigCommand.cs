using System.CommandLine;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// <c>config validate</c>, <c>config set KEY VALUE</c>, <c>config get KEY</c>, <c>config list</c> and
/// <c>config entry security</c>: the operator's settings file, as TigerGraph operators use
/// <c>gadmin config</c>. Secrets are never printed back. Exit codes: 0 done, 1 the file could not
/// be read or written, 2 the settings have problems.
/// </summary>
internal static class ConfigCommand
{
    private static readonly string[] SecurityEntries =
    [
        "Security:JWT:Issuer",
        "Security:JWT:Audience",
        "Security:JWT:RSA:PublicKey",
        "Security:JWT:HMAC:Secret",
        "Security:JWT:CaCertificate",
    ];

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["Security:JWT:Issuer"] = "The Issuer for jwt token header",
        ["Security:JWT:Audience"] = "The Audience for jwt token",
        ["Security:JWT:RSA:PublicKey"] = "Set Public key for JWT token auth",
        ["Security:JWT:HMAC:Secret"] = "Set Secret for JWT token auth",
        ["Security:JWT:CaCertificate"] = "Set the CA bundle trusted for key URLs",
    };

    /// <summary>The subcommands of <c>config</c>.</summary>
    public static readonly string[] Subcommands = ["validate", "set", "get", "list", "entry"];

    /// <summary>Exit code: the settings have problems (as a start that refuses them), or the command line is wrong.</summary>
    private const int Problems = 2;

    /// <summary>Exit code: the settings file could not be read or written.</summary>
    private const int Failed = 1;

    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        // Recursive: "config --settings P set K V" and "config set K V --settings P" both work.
        var settings = new Option<string?>(SettingsFile.Switch)
        {
            Description = $"the settings file (default: ${SettingsFile.EnvironmentVariable} or ./{SettingsFile.DefaultName})",
            Recursive = true,
        };
        var config = new Command("config", "Checks, reads and writes the operator's settings file.");
        config.Options.Add(settings);

        var validate = new Command("validate", "Reads settings, routes, users and keys as a start would (key URLs are fetched) and lists every problem; "
            + "exits 0 or 2. Takes the start's switches (--routes FILE, --Users=@FILE, --KEY=VALUE). Never listens, writes nothing.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        validate.SetAction((parse, _) =>
        {
            string[] path = parse.GetValue(settings) is { } given ? [SettingsFile.Switch, given] : [];
            return ConfigValidation.RunAsync([.. path, .. parse.UnmatchedTokens], output, error);
        });
        config.Subcommands.Add(validate);

        var key = new Argument<string>("key") { Description = "a setting, as Security.JWT.Issuer or Security:JWT:Issuer" };
        var value = new Argument<string>("value") { Description = "the value: content, @path or a URL; empty removes the setting" };
        var set = new Command("set", "Validates and writes one setting.") { key, value };
        set.SetAction(parse => Set(Editor(parse.GetValue(settings)), parse.GetValue(key)!, parse.GetValue(value)!, output, error));
        config.Subcommands.Add(set);

        var getKey = new Argument<string>("key");
        var get = new Command("get", "Prints one setting (secrets masked).") { getKey };
        get.SetAction(parse => Get(Editor(parse.GetValue(settings)), parse.GetValue(getKey)!, output, error));
        config.Subcommands.Add(get);

        var list = new Command("list", "Prints every setting in the file (secrets masked).");
        list.SetAction(parse => List(Editor(parse.GetValue(settings)), output, error));
        config.Subcommands.Add(list);

        var group = new Argument<string>("group") { Description = "security" };
        group.AcceptOnlyFromAmong("security");
        var entry = new Command("entry", "Asks for the security settings one by one.") { group };
        entry.SetAction(parse => Entry(Editor(parse.GetValue(settings)), input, output, error));
        config.Subcommands.Add(entry);
        return config;
    }

    private static SettingsEditor Editor(string? path) =>
        new(SettingsFile.Resolve(path is null ? [] : [SettingsFile.Switch, path], Directory.GetCurrentDirectory()));

    private static int Set(SettingsEditor editor, string name, string value, TextWriter output, TextWriter error)
    {
        if (KnownSettings.Normalize(name) is not { } key)
        {
            error.WriteLine($"[Error] {name} is not a setting AuthProxy knows; see the configuration reference in the README");
            return Problems;
        }

        return Apply(editor, [(key, value)], output, error);
    }

    private static int Apply(SettingsEditor editor, IReadOnlyList<(string Key, string Value)> changes, TextWriter output, TextWriter error)
    {
        if (!TryLoad(editor, error, out var current, out var exit))
        {
            return exit;
        }

        var next = current;
        foreach (var (key, value) in changes)
        {
            next = SettingsEditor.With(next, key, value);
        }

        var problems = SettingsEditor.Validate(next, Directory.GetCurrentDirectory());
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine("[Error] " + problem);
            }

            error.WriteLine($"[Error] nothing was written; {editor.Path} is unchanged");
            return Problems;
        }

        try
        {
            editor.Save(next);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"[Error] {editor.Path} cannot be written: {ex.Message}");
            return Failed;
        }

        foreach (var (key, value) in changes)
        {
            output.WriteLine(value.Length == 0 ? $"[  Info] {Dotted(key)} removed from {editor.Path}." : $"[  Info] {Dotted(key)} set in {editor.Path}.");
            output.WriteLine(SettingsWatcher.NeedsRestart(key)
                ? "[  Info] Restart AuthProxy for this setting to take effect."
                : "[  Info] A running AuthProxy applies this setting at once.");
        }

        return 0;
    }

    private static int Get(SettingsEditor editor, string name, TextWriter output, TextWriter error)
    {
        if (KnownSettings.Normalize(name) is not { } key)
        {
            error.WriteLine($"[Error] {name} is not a setting AuthProxy knows");
            return Problems;
        }

        if (!TryLoad(editor, error, out var current, out var exit))
        {
            return exit;
        }

        output.WriteLine(Show(key, SettingsEditor.Get(current, key)));
        return 0;
    }

    private static int List(SettingsEditor editor, TextWriter output, TextWriter error)
    {
        if (!TryLoad(editor, error, out var current, out var exit))
        {
            return exit;
        }

        foreach (var (key, value) in SettingsEditor.Flatten(current))
        {
            output.WriteLine($"{Dotted(key)}: {Show(key, value)}");
        }

        return 0;
    }

    /// <summary>Like <c>gadmin config entry security</c>: each setting with its current value; an empty answer changes nothing.</summary>
    private static int Entry(SettingsEditor editor, TextReader input, TextWriter output, TextWriter error)
    {
        if (!TryLoad(editor, error, out var current, out var exit))
        {
            return exit;
        }

        var changes = new List<(string, string)>();
        foreach (var key in SecurityEntries)
        {
            output.WriteLine($"{Dotted(key)} [ {Show(key, SettingsEditor.Get(current, key))} ]: {Descriptions[key]}");
            if (key is "Security:JWT:RSA:PublicKey" or "Security:JWT:HMAC:Secret")
            {
                output.WriteLine($"[Warning] Please use @filepath to set value of {Dotted(key)} in interactive mode, or leave it empty to skip");
            }

            output.Write("New: ");
            var answer = input.ReadLine()?.Trim() ?? string.Empty;
            if (answer.Length == 0)
            {
                output.WriteLine($"[  Info] no changes for {Dotted(key)}");
                continue;
            }

            changes.Add((key, answer));
        }

        return changes.Count == 0 ? 0 : Apply(editor, changes, output, error);
    }

    private static bool TryLoad(SettingsEditor editor, TextWriter error, out System.Text.Json.Nodes.JsonObject settings, out int exit)
    {
        try
        {
            settings = editor.Load();
            exit = 0;
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"[Error] {editor.Path} cannot be read: {ex.Message}");
            settings = [];
            exit = ex is System.Text.Json.JsonException or InvalidDataException ? Problems : Failed;
            return false;
        }
    }

    /// <summary>
    /// A value as it may be printed: an inline secret is never shown, and a URL (a key URL, each
    /// of a list's) shows its user info, query and fragment as hidden: they may hold credentials.
    /// </summary>
    private static string Show(string key, string? value)
    {
        if (value is null)
        {
            return "(not set)";
        }

        var reference = value.TrimStart();
        var inline = !reference.StartsWith('@') && !reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        return KnownSettings.IsSecret(key) && inline && value.Length > 0
            ? $"(hidden, {value.Length} characters)"
            : Configuration.UrlRedaction.RedactAll(value, Hidden);
    }

    private const string Hidden = "(hidden)";

    private static string Dotted(string key) => key.Replace(':', '.');
}
