using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;

namespace AuthProxy.Configuration;

/// <summary>
/// Calls back when a file changes: create, write, rename over it, or delete. Editors and
/// deployment tools write in several steps, so changes are debounced and a burst of events
/// collapses into one reload that runs after the last of them.
/// </summary>
internal sealed class FileWatcher : IDisposable
{
    /// <summary>Wall-clock pause for the writer to finish; not business time, so not a TimeProvider.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private readonly PhysicalFileProvider _provider;
    private readonly string _fileName;
    private readonly Func<Task> _onChange;
    private readonly IDisposable _registration;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _pending;
    private int _disposed;

    public FileWatcher(string fullPath, Func<Task> onChange)
    {
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no directory.", nameof(fullPath));
        _provider = new PhysicalFileProvider(directory, ExclusionFilters.None);
        _fileName = Path.GetFileName(fullPath);
        _onChange = onChange;
        _registration = ChangeToken.OnChange(() => _provider.Watch(_fileName), OnChanged);
    }

    private async void OnChanged()
    {
        Volatile.Write(ref _pending, 1);
        if (Volatile.Read(ref _disposed) != 0 || !await _gate.WaitAsync(0))
        {
            return; // the running loop sees _pending and reloads once more
        }

        try
        {
            while (Interlocked.Exchange(ref _pending, 0) == 1 && Volatile.Read(ref _disposed) == 0)
            {
                await Task.Delay(Debounce);
                Volatile.Write(ref _pending, 0); // events during the pause are covered by this reload
                await _onChange();
            }
        }
#pragma warning disable CA1031 // A watcher callback must never take the process down; the callee logs its own failures.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _gate.Release();
            }
        }

        // An event that arrived between the loop's last check and the release would otherwise be lost.
        if (Volatile.Read(ref _pending) == 1 && Volatile.Read(ref _disposed) == 0)
        {
            OnChanged();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _registration.Dispose();
            _provider.Dispose();
        }
    }
}
