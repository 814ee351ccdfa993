using AuthProxy.Configuration;
using Microsoft.Extensions.Options;

namespace AuthProxy.Keys;

/// <summary>
/// Refreshes URL key sources in the background: each one every refresh interval, and every
/// minimum interval while it has not loaded yet. Time comes from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class KeyRefreshService(TrustedIssuers issuers, IOptions<KeyFetchOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = options.Value.MinimumRefreshInterval;
        using var timer = new PeriodicTimer(tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshDueAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal Task RefreshDueAsync()
    {
        var now = time.GetUtcNow();
        var due = issuers.All.SelectMany(i => i.Sources).OfType<UrlKeySource>().Where(s => s.IsRefreshDue(now)).Select(s => s.RefreshAsync("refresh interval"));
        return Task.WhenAll(due);
    }
}
