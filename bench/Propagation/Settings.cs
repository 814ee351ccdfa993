using System.Globalization;

namespace Propagation;

/// <summary>What one run measures and where it reports; read from the command line.</summary>
internal sealed record Settings
{
    public const string Usage = """
        usage: Propagation --a URL --b URL --c URL --user NAME --password-file FILE [options]
          --count N          revocations measured (default 1000)
          --warmup N         revocations made first and not counted (default 20)
          --interval-ms N    the shortest time between two polls of one instance (default 1)
          --cap-ms N         how long an instance is polled before it counts as not holding (default 5000)
          --table FILE       where the Markdown result goes (default: standard output only)
          --samples FILE     every measured revocation, one a line (tab-separated)
        """;

    /// <summary>The instance that issues and revokes.</summary>
    public required Uri A { get; init; }

    /// <summary>The instances that must learn of the revocation through the store.</summary>
    public required Uri B { get; init; }

    public required Uri C { get; init; }

    public required string User { get; init; }

    public required string Password { get; init; }

    public int Count { get; init; } = 1000;

    public int Warmup { get; init; } = 20;

    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan Cap { get; init; } = TimeSpan.FromSeconds(5);

    public string? Table { get; init; }

    public string? Samples { get; init; }

    /// <summary>The settings, or null with the reason in <paramref name="problem"/>.</summary>
    public static Settings? Parse(string[] args, out string? problem)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                problem = $"expected --NAME VALUE, not {args[i]}";
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        string[] known = ["a", "b", "c", "user", "password-file", "count", "warmup", "interval-ms", "cap-ms", "table", "samples"];
        if (values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            problem = $"unknown option --{unknown}";
            return null;
        }

        foreach (var required in new[] { "a", "b", "c", "user", "password-file" })
        {
            if (!values.ContainsKey(required))
            {
                problem = $"--{required} is required";
                return null;
            }
        }

        int Number(string name, int fallback, int least) =>
            !values.TryGetValue(name, out var text) ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least ? n
            : throw new FormatException($"--{name} must be a whole number of at least {least}, not {text}");

        try
        {
            problem = null;
            return new Settings
            {
                A = new Uri(values["a"]),
                B = new Uri(values["b"]),
                C = new Uri(values["c"]),
                User = values["user"],
                Password = File.ReadAllText(values["password-file"]).Trim(),
                Count = Number("count", 1000, 1),
                Warmup = Number("warmup", 20, 0),
                Interval = TimeSpan.FromMilliseconds(Number("interval-ms", 1, 0)),
                Cap = TimeSpan.FromMilliseconds(Number("cap-ms", 5000, 1)),
                Table = values.GetValueOrDefault("table"),
                Samples = values.GetValueOrDefault("samples"),
            };
        }
        catch (Exception ex) when (ex is FormatException or UriFormatException or IOException)
        {
            problem = ex.Message;
            return null;
        }
    }
}
