using AuthProxy.Configuration;
using AuthProxy.Hosting;

namespace AuthProxy;

/// <summary>The server binary: runs the proxy, or one of the operator verbs (<c>config validate</c>, <c>hash-password</c>, ...), <c>--help</c> or <c>--version</c>.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Cli.IsCommand(args))
        {
            return await Cli.RunAsync(args, Console.In, Console.Out, Console.Error);
        }

        try
        {
            await using var app = await AuthProxyApp.CreateAsync(args);
            await app.RunAsync();
            return 0;
        }
        catch (ConfigurationProblemsException ex)
        {
            await Console.Error.WriteLineAsync($"AuthProxy cannot start; {ex.Problems.Count} configuration problem(s):");
            foreach (var problem in ex.Problems)
            {
                await Console.Error.WriteLineAsync("  - " + problem);
            }

            return 2;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // A listener's port taken by another process: one line, not an unhandled exception.
            await Console.Error.WriteLineAsync("AuthProxy cannot start: " + ex.Message);
            return 1;
        }
    }
}
