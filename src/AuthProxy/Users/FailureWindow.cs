namespace AuthProxy.Users;

/// <summary>Attempts per segment over the last <see cref="Segments"/> segments (callers hold <see cref="LoginThrottle"/>'s lock).</summary>
internal sealed class FailureWindow
{
    /// <summary>How many segments a window has.</summary>
    public const int Segments = 6;

    private readonly int[] _counts = new int[Segments];
    private long _latest = long.MinValue;

    public void Add(long segment, int delta)
    {
        Slide(segment);
        if (segment > _latest - Segments)
        {
            var index = (int)(segment % Segments);
            _counts[index] = Math.Max(0, _counts[index] + delta);
        }
    }

    public int Count(long segment)
    {
        Slide(segment);
        return _counts.Sum();
    }

    private void Slide(long segment)
    {
        if (segment <= _latest)
        {
            return;
        }

        if (_latest == long.MinValue || segment - _latest >= Segments)
        {
            Array.Clear(_counts);
        }
        else
        {
            for (var s = _latest + 1; s <= segment; s++)
            {
                _counts[s % Segments] = 0;
            }
        }

        _latest = segment;
    }
}
