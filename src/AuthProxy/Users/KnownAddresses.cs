namespace AuthProxy.Users;

/// <summary>The few addresses an account logged in from lately (callers hold <see cref="LoginThrottle"/>'s lock).</summary>
internal sealed class KnownAddresses
{
    /// <summary>How many addresses are kept an account; the oldest goes first.</summary>
    private const int Capacity = 16;

    private readonly List<(string Address, DateTimeOffset At)> _entries = [];

    public void Add(string address, DateTimeOffset at)
    {
        _entries.RemoveAll(e => e.Address == address);
        if (_entries.Count == Capacity)
        {
            _entries.RemoveAt(0);
        }

        _entries.Add((address, at));
    }

    public bool Contains(string address, DateTimeOffset since) => _entries.Exists(e => e.Address == address && e.At > since);

    /// <summary>Forgets old entries; true when none is left.</summary>
    public bool Forget(DateTimeOffset before)
    {
        _entries.RemoveAll(e => e.At <= before);
        return _entries.Count == 0;
    }
}
