using Propagation;

// How fast a revocation made on one AuthProxy instance holds on the others when they share one
// PostgreSQL store: scripts/propagation.sh starts the store, the sample backend and three
// instances, then runs this against them.
//
//   dotnet Propagation.dll --a URL --b URL --c URL --user NAME --password-file FILE [--count N] [--table FILE]
var settings = Settings.Parse(args, out var problem);
if (settings is null)
{
    await Console.Error.WriteLineAsync(problem);
    await Console.Error.WriteLineAsync(Settings.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var probe = new Probe(settings);
var revocations = new List<Revocation>(settings.Count);
try
{
    for (var i = 1; i <= settings.Warmup; i++)
    {
        await probe.RunAsync(-i, stop.Token);
    }

    for (var i = 1; i <= settings.Count; i++)
    {
        revocations.Add(await probe.RunAsync(i, stop.Token));
        if (i % 100 == 0 || i == settings.Count)
        {
            var last = revocations[^1];
            await Console.Error.WriteLineAsync($"   {i}/{settings.Count} revocations; the last held on B after {last.B.Held.TotalMilliseconds:F1} ms, on C after {last.C.Held.TotalMilliseconds:F1} ms");
        }
    }
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException)
{
    await Console.Error.WriteLineAsync($"propagation: stopped after {revocations.Count} revocations: {ex.Message}");
    return 1;
}

var report = new Report(settings, revocations);
var markdown = report.Markdown();
Console.Write(markdown);
if (settings.Table is { } table)
{
    await File.WriteAllTextAsync(table, markdown);
}

if (settings.Samples is { } samples)
{
    await File.WriteAllTextAsync(samples, report.Samples());
}

return report.Passed ? 0 : 1;
