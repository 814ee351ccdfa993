using System.Collections.Concurrent;
using System.Net;

namespace AuthProxy.Tests.Common;

/// <summary>
/// Requests sent without pause by a few workers until stopped, counting answers and keeping every
/// failure (a status other than 200, or an exception), for checks that something happens "with no
/// failed request".
/// </summary>
public sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _succeeded;

    /// <param name="send">Sends one request; called concurrently by every worker.</param>
    /// <param name="workers">How many requests are in flight at once.</param>
    public LoadLoop(Func<CancellationToken, Task<HttpResponseMessage>> send, int workers = 4)
    {
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(send)))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Waits until at least <paramref name="count"/> more requests have succeeded (or a failure happened).</summary>
    public Task SucceedMoreAsync(int count)
    {
        var target = Succeeded + count;
        return ProxyHost.EventuallyAsync(() => Task.FromResult(Succeeded >= target || !Failures.IsEmpty), $"{count} more requests succeed");
    }

    /// <summary>Stops the workers and waits for the requests in flight.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync(Func<CancellationToken, Task<HttpResponseMessage>> send)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await send(_stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    Failures.Enqueue($"{(int)response.StatusCode}: {body}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException ex)
            {
                Failures.Enqueue(ex.ToString());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
