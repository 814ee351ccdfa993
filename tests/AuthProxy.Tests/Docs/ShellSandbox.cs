using System.Diagnostics;
using System.Text.RegularExpressions;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Docs;

/// <summary>
/// Runs a documented shell block as a reader would, with <c>bash -e</c>, in a fresh copy of the
/// repository files it uses, and stops whatever it left running. Three things differ from a
/// reader's terminal, and only these: the ports it names (8080, 9000, 8443, 8444, 5000) are free
/// loopback ports, the same in the block and in the copied files; <c>dotnet run --project P --</c>
/// runs the P this test run has built, and <c>dotnet build</c> does nothing (the suite has built
/// the solution); and its output goes to a file.
/// </summary>
public static partial class ShellSandbox
{
    private static readonly string[] DocumentedPorts = ["8080", "9000", "8443", "8444", "5000"];

    /// <summary>What the blocks read from the repository (copied; folders without their build output and generated keys).</summary>
    private static readonly string[] Copied =
    [
        "routes.json", "quickstart.sh", "samples/users.json", "samples/multi-issuer", "samples/tigergraph", "certs/make-dev-certs.sh", "certs/README.md",
        // For `dotnet user-jwts --project src/AuthProxy`, which reads the project's UserSecretsId.
        "src/AuthProxy/AuthProxy.csproj", "Directory.Build.props", "Directory.Packages.props", "global.json", "BannedSymbols.txt", ".editorconfig",
    ];

    private static readonly string[] NotCopied = ["bin", "obj", "out"];

    /// <summary>Runs <paramref name="block"/>; its exit code and everything it printed, with the sandbox folder (deleted afterwards).</summary>
    public static async Task<ShellRun> RunAsync(ShellBlock block, TimeSpan timeout)
    {
        var root = Routing.RoutesFileReaderTests.FindRepositoryRoot();
        var sandbox = ProxyHost.CreateDirectory();
        var ports = DocumentedPorts.ToDictionary(p => p, _ => ProxyHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var path in Copied)
        {
            Copy(Path.Combine(root, path), Path.Combine(sandbox, path), ports);
        }

        var script = Path.Combine(sandbox, ".block.sh");
        var output = Path.Combine(sandbox, ".output");
        var groupFile = Path.Combine(sandbox, ".pgid");
        await File.WriteAllTextAsync(script, Prelude(output, groupFile) + ReplacePorts(block.Text, ports));

        var start = new ProcessStartInfo("setsid") { WorkingDirectory = sandbox, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(script);
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "AUTHPROXY_SETTINGS", "SSL_CA_CERT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var launcherOutput = process.StandardOutput.ReadToEndAsync();
        var launcherError = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            timedOut = true;
        }

        await StopGroupAsync(groupFile);
        await process.WaitForExitAsync();
        var printed = (File.Exists(output) ? await File.ReadAllTextAsync(output) : string.Empty) + await launcherOutput + await launcherError;
        try
        {
            Directory.Delete(sandbox, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new ShellRun(timedOut ? -1 : process.ExitCode, printed, timedOut, ports);
    }

    private static string Prelude(string output, string groupFile) => $$"""
        #!/usr/bin/env bash
        set -eo pipefail
        exec > '{{output}}' 2>&1
        echo $$ > '{{groupFile}}'
        export __authproxy_bin='{{AppContext.BaseDirectory.TrimEnd('/')}}'
        # dotnet run --project P -- ARGS: the P this test run built, with ARGS; dotnet build: built already.
        dotnet() {
          case "$1" in
            run)
              shift
              local project="" args=()
              while [ $# -gt 0 ]; do
                case "$1" in
                  --project) project="$2"; shift 2 ;;
                  --) shift; args=("$@"); break ;;
                  *) shift ;;
                esac
              done
              command dotnet "$__authproxy_bin/$(basename "$project").dll" "${args[@]}" ;;
            build) echo "(dotnet build: the test run has built the solution)" ;;
            *)
              local rewritten=() arg
              for arg in "$@"; do
                case "$arg" in
                  */AuthProxy.dll) rewritten+=("$__authproxy_bin/AuthProxy.dll") ;;
                  */RestppBackend.dll) rewritten+=("$__authproxy_bin/RestppBackend.dll") ;;
                  *) rewritten+=("$arg") ;;
                esac
              done
              command dotnet "${rewritten[@]}" ;;
          esac
        }
        export -f dotnet

        """;

    private static void Copy(string from, string to, IReadOnlyDictionary<string, string> ports)
    {
        if (Directory.Exists(from))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(from))
            {
                if (!NotCopied.Contains(Path.GetFileName(entry), StringComparer.Ordinal))
                {
                    Copy(entry, Path.Combine(to, Path.GetFileName(entry)), ports);
                }
            }

            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (Path.GetExtension(from) is ".json" or ".sh" or ".md")
        {
            File.WriteAllText(to, ReplacePorts(File.ReadAllText(from), ports));
        }
        else
        {
            File.Copy(from, to);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        }
    }

    private static string ReplacePorts(string text, IReadOnlyDictionary<string, string> ports) =>
        PortPattern().Replace(text, m => ports[m.Value]);

    /// <summary>Stops everything the block started: its shell is a session leader, so the group is all of it.</summary>
    private static async Task StopGroupAsync(string groupFile)
    {
        if (!File.Exists(groupFile) || !int.TryParse((await File.ReadAllTextAsync(groupFile)).Trim(), out var group) || group <= 1)
        {
            return;
        }

        foreach (var signal in new[] { "-TERM", "-KILL" })
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", [signal, "--", $"-{group}"]) { RedirectStandardError = true, UseShellExecute = false })!;
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
            {
                return; // nothing was left
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>A documented port where a URL, a listener or a default names it: after ":", ":-" or "-accept ".</summary>
    [GeneratedRegex(@"(?<=:|:-|-accept )(8080|9000|8443|8444|5000)(?!\d)")]
    private static partial Regex PortPattern();
}
