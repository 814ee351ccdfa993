using System.CommandLine;

namespace AuthProxy.Hosting;

/// <summary>
/// <c>healthcheck [--url URL]</c>: asks a running AuthProxy's <c>/healthz</c> and exits 0 when it
/// answers 200. The container image's HEALTHCHECK uses it (the runtime image has no curl).
/// </summary>
internal static class HealthCheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Option<string?>("--url") { Description = "the health URL (default: from ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS, on 127.0.0.1)" };
        var command = new Command("healthcheck", "Exits 0 when the local AuthProxy answers /healthz.");
        command.Options.Add(url);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(url) ?? DefaultUrl();
            var shown = Configuration.UrlRedaction.Redact(target); // the container runtime keeps this output
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(new Uri(target), cancellationToken);
                await output.WriteLineAsync($"{shown}: {(int)response.StatusCode}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
            {
                await error.WriteLineAsync($"{shown}: {Configuration.UrlRedaction.RedactAll(ex.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static string DefaultUrl()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
            var local = first.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
            return local.TrimEnd('/') + "/healthz";
        }

        var port = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0].Trim();
        return $"http://127.0.0.1:{(string.IsNullOrEmpty(port) ? "8080" : port)}/healthz";
    }
}
