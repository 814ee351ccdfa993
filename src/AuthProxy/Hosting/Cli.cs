using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using AuthProxy.Keys;
using AuthProxy.Users;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Hosting;

/// <summary>
/// The operator verbs of the server binary, and its <c>--help</c> and <c>--version</c>. A command
/// line that starts with a word which is not a verb is an error (exit 2), never a start; anything
/// else starts the proxy.
/// </summary>
internal static class Cli
{
    private static readonly string[] Verbs = ["hash-password", "mint-token", "config", "healthcheck"];

    /// <summary>Asks for the usage text wherever it stands on a start's command line; <c>help</c> only as the first word.</summary>
    private static readonly string[] HelpSwitches = ["--help", "-h", "-?"];

    private const string VersionSwitch = "--version";

    /// <summary>Words that send an operator to <c>config validate</c>.</summary>
    private static readonly string[] ValidateWords = ["validate", "check", "verify", "lint", "test"];

    /// <summary>Whether the command line is for the operator commands (a verb, help, the version, or a word that is no verb) rather than a start.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (LooksLikeVerb(args[0]) || args.Any(a => HelpSwitches.Contains(a, StringComparer.Ordinal) || a == VersionSwitch));

    /// <summary>
    /// A first argument such as <c>check</c> or <c>hash-pasword</c>: letters, digits and dashes,
    /// starting with a letter. Settings never look like that: they are <c>--Key=Value</c>,
    /// <c>--Key Value</c> or <c>Key=Value</c>.
    /// </summary>
    internal static bool LooksLikeVerb(string arg) =>
        arg.Length > 0 && char.IsAsciiLetter(arg[0]) && arg.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args.Length > 0 && !Verbs.Contains(args[0], StringComparer.Ordinal))
        {
            return Top(args, output, error);
        }

        var root = new RootCommand("AuthProxy operator commands");
        root.Subcommands.Add(HashPasswordCommand(input, output, error));
        root.Subcommands.Add(MintTokenCommand(output, error));
        root.Subcommands.Add(Settings.ConfigCommand.Create(input, output, error));
        root.Subcommands.Add(HealthCheckCommand.Create(output, error));
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        // "@path" is AuthProxy's (and TigerGraph's) file reference, not a response file.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0 && !args.Any(a => HelpSwitches.Contains(a, StringComparer.Ordinal)))
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync("error: " + problem.Message);
            }

            await error.WriteLineAsync($"Run 'AuthProxy {CommandPath(parsed.CommandResult)} --help' for its arguments.");
            return 2;
        }

        return await parsed.InvokeAsync(configuration);
    }

    /// <summary>Help, the version, or a first word that is no verb (exit 2, the usage on standard error).</summary>
    private static int Top(string[] args, TextWriter output, TextWriter error)
    {
        if (args[0] == "help" || args.Any(a => HelpSwitches.Contains(a, StringComparer.Ordinal)))
        {
            output.WriteLine(Usage.Version());
            output.WriteLine();
            output.Write(Usage.Text);
            return 0;
        }

        if (args[0] == "version" || args.Contains(VersionSwitch, StringComparer.Ordinal))
        {
            output.WriteLine(Usage.Version());
            return 0;
        }

        var hint = ValidateWords.Contains(args[0], StringComparer.OrdinalIgnoreCase) ? " (did you mean 'config validate'?)"
            : Settings.ConfigCommand.Subcommands.Contains(args[0], StringComparer.OrdinalIgnoreCase) ? $" (did you mean 'config {args[0]}'?)"
            : string.Empty;
        error.WriteLine($"error: '{args[0]}' is not an AuthProxy command{hint}");
        error.WriteLine();
        error.Write(Usage.Text);
        return 2;
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (var current = result; current is not null && current.Command is not RootCommand; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, current.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static Command HashPasswordCommand(TextReader input, TextWriter output, TextWriter error)
    {
        var algorithm = new Option<string>("--algorithm")
        {
            Description = "argon2id (default) or pbkdf2-sha256",
            DefaultValueFactory = _ => "argon2id",
        };
        algorithm.AcceptOnlyFromAmong("argon2id", "pbkdf2-sha256");

        var command = new Command("hash-password", "Reads a password from standard input and prints the PHC hash to paste into Users:NAME:PasswordHash.");
        command.Options.Add(algorithm);
        command.SetAction(parse =>
        {
            var password = ReadPassword(input, error);
            if (string.IsNullOrEmpty(password))
            {
                error.WriteLine("error: the password is empty");
                return 1;
            }

            var chosen = parse.GetValue(algorithm) == "pbkdf2-sha256" ? PasswordAlgorithm.Pbkdf2Sha256 : PasswordAlgorithm.Argon2id;
            output.WriteLine(PasswordHash.HashPassword(password, chosen));
            return 0;
        });
        return command;
    }

    /// <summary>One line from standard input; at a terminal, typed without echo.</summary>
    private static string? ReadPassword(TextReader input, TextWriter error)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
        {
            return input.ReadLine();
        }

        error.Write("Password: ");
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }

                continue;
            }

            typed.Append(key.KeyChar);
        }

        error.WriteLine();
        return typed.ToString();
    }

    private static Command MintTokenCommand(TextWriter output, TextWriter error)
    {
        var subject = new Option<string>("--sub") { Description = "the user the token names (sub)", Required = true };
        var graph = new Option<string?>("--graph") { Description = "scope the token to one graph" };
        var issuer = new Option<string?>("--iss") { Description = "the issuer (iss)" };
        var audience = new Option<string[]>("--aud") { Description = "an audience (aud); repeat for several", AllowMultipleArgumentsPerToken = true };
        var lifetime = new Option<int>("--ttl") { Description = "lifetime in seconds", DefaultValueFactory = _ => 3600 };
        var secret = new Option<string?>("--secret") { Description = "HMAC secret: text, base64:..., or @path" };
        var privateKey = new Option<string?>("--rsa-private-key") { Description = "@path to a PEM RSA private key" };
        var algorithm = new Option<string?>("--alg") { Description = "HS256/384/512 with --secret (default HS256), RS256/384/512 or PS256/384/512 with --rsa-private-key (default RS256)" };
        var kid = new Option<string?>("--kid") { Description = "the key id (kid) header" };

        var command = new Command("mint-token", "Signs a test token the way a third-party identity provider would, for smoke tests and the quick start.");
        foreach (var option in new Option[] { subject, graph, issuer, audience, lifetime, secret, privateKey, algorithm, kid })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            SigningCredentials credentials;
            try
            {
                credentials = CreateCredentials(parse.GetValue(secret), parse.GetValue(privateKey), parse.GetValue(algorithm), parse.GetValue(kid));
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or CryptographicException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + ex.Message);
                return 1;
            }

            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var claims = new Dictionary<string, object> { ["sub"] = parse.GetValue(subject)! };
            if (parse.GetValue(graph) is { Length: > 0 } g)
            {
                claims["graph"] = g;
            }

            if (parse.GetValue(audience) is { Length: > 0 } audiences)
            {
                claims["aud"] = audiences.Length == 1 ? audiences[0] : audiences;
            }

            var descriptor = new SecurityTokenDescriptor
            {
                Claims = claims,
                Issuer = parse.GetValue(issuer),
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddSeconds(parse.GetValue(lifetime)),
                SigningCredentials = credentials,
            };
            output.WriteLine(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor));
            return 0;
        });
        return command;
    }

    private static SigningCredentials CreateCredentials(string? secret, string? privateKey, string? algorithm, string? kid)
    {
        if ((secret is null) == (privateKey is null))
        {
            throw new ArgumentException("give exactly one of --secret and --rsa-private-key");
        }

        SecurityKey key;
        if (secret is not null)
        {
            var text = secret.StartsWith('@') ? File.ReadAllText(secret[1..]).Trim() : secret;
            var problems = new List<string>();
            key = KeyMaterial.ParseHmacSecret(text, "--secret", problems)?.Key ?? throw new ArgumentException(string.Join("; ", problems));
            algorithm ??= "HS256";
        }
        else
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(privateKey!.TrimStart('@')));
            key = new RsaSecurityKey(rsa);
            algorithm ??= "RS256";
        }

        if (!JwsAlgorithms.All.Contains(algorithm))
        {
            throw new ArgumentException($"unknown algorithm {algorithm}");
        }

        key.KeyId = kid;
        return new SigningCredentials(key, algorithm);
    }
}
