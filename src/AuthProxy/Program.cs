using AuthProxy.Configuration;
using AuthProxy.Hosting;

namespace AuthProxy;

/// <summary>The server binary: runs the proxy, or one of the operator verbs (<c>hash-password</c>, ...).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Cli.IsVerb(args))
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
    }
}
