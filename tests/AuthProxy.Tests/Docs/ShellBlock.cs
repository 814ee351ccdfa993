using System.Text.RegularExpressions;

namespace AuthProxy.Tests.Docs;

/// <summary>
/// A fenced shell block of a Markdown file, with the marker on the line before its fence:
/// <c>&lt;!-- shell-test: NAME --&gt;</c> (run by a test of that name) or
/// <c>&lt;!-- shell-test: not run (why) --&gt;</c>. <see cref="Marker"/> is null when there is none.
/// </summary>
public sealed partial record ShellBlock(string File, int Line, string? Marker, string Text)
{
    private static readonly string[] ShellLanguages = ["bash", "sh", "shell", "console", "zsh"];

    /// <summary>The test name, or null for a block marked not run (or not marked).</summary>
    public string? Name => Marker is { } m && !m.StartsWith("not run", StringComparison.Ordinal) ? m : null;

    /// <summary>Every shell block of the Markdown files given (paths relative to <paramref name="root"/>).</summary>
    public static IReadOnlyList<ShellBlock> Read(string root, params string[] files)
    {
        var blocks = new List<ShellBlock>();
        foreach (var file in files)
        {
            var lines = System.IO.File.ReadAllLines(Path.Combine(root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                if (FencePattern().Match(lines[i]) is not { Success: true } fence)
                {
                    continue;
                }

                var language = fence.Groups[1].Value;
                var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                if (end < 0)
                {
                    throw new InvalidDataException($"{file}:{i + 1}: a fence that is never closed");
                }

                if (ShellLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
                {
                    var marker = i > 0 && MarkerPattern().Match(lines[i - 1]) is { Success: true } m ? m.Groups[1].Value.Trim() : null;
                    blocks.Add(new ShellBlock(file, i + 1, marker, string.Join('\n', lines[(i + 1)..end]) + "\n"));
                }

                i = end;
            }
        }

        return blocks;
    }

    /// <summary>The Markdown files whose shell blocks are tested: the README and each sample's.</summary>
    public static string[] DocumentedFiles(string root) =>
        ["README.md", .. Directory.GetFiles(Path.Combine(root, "samples"), "README.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^```\s*([A-Za-z0-9_-]*)\s*$")]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"^<!--\s*shell-test:\s*(.+?)\s*-->\s*$")]
    private static partial Regex MarkerPattern();
}
