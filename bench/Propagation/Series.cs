namespace Propagation;

/// <summary>Durations in milliseconds, sorted, with nearest-rank percentiles.</summary>
internal sealed class Series
{
    private readonly double[] _sorted;

    public Series(IEnumerable<TimeSpan> durations)
    {
        _sorted = durations.Select(d => d.TotalMilliseconds).Order().ToArray();
    }

    public int Count => _sorted.Length;

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    /// <summary>The smallest value at least <paramref name="percent"/> % of the values do not exceed.</summary>
    public double Percentile(double percent) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public int Over(double milliseconds) => _sorted.Count(v => v > milliseconds);
}
