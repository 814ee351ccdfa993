using System.ComponentModel;
using System.Globalization;

namespace AuthProxy.Configuration;

/// <summary>
/// Durations as operators type them: TimeSpan's own forms (<c>00:05:00</c>, <c>14.00:00:00</c>)
/// and numbers with a unit, as Go, Prometheus and Envoy write them (<c>500ms</c>, <c>30s</c>,
/// <c>5m</c>, <c>1h</c>, <c>14d</c>, <c>1h30m</c>). A bare number is not a duration: TimeSpan would
/// read <c>30</c> as thirty days.
/// </summary>
internal static class Duration
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string Forms = "hh:mm:ss (00:05:00), d.hh:mm:ss (14.00:00:00), or a number with a unit: 500ms, 30s, 5m, 1h, 14d (1h30m)";

    private static int _registered;

    /// <summary>Reads <paramref name="text"/> as a duration in one of the accepted forms.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration);
        }

        return TryParseUnits(trimmed, out duration);
    }

    /// <summary>
    /// Lets configuration binding read the unit forms too: TimeSpan settings are converted through
    /// their <see cref="TypeConverter"/>, which this replaces once per process with one that tries
    /// the unit forms before TimeSpan's own.
    /// </summary>
    public static void UseInConfiguration()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
        }
    }

    /// <summary><c>1h30m</c>, <c>500ms</c>, <c>1.5h</c>: one or more numbers, each followed by ms, s, m, h or d.</summary>
    private static bool TryParseUnits(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var i = 0;
        try
        {
            while (i < text.Length)
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                var unitStart = i;
                while (i < text.Length && char.IsAsciiLetterLower(text[i]))
                {
                    i++;
                }

                duration += text.AsSpan(unitStart, i - unitStart) switch
                {
                    "ms" => TimeSpan.FromMilliseconds(number),
                    "s" => TimeSpan.FromSeconds(number),
                    "m" => TimeSpan.FromMinutes(number),
                    "h" => TimeSpan.FromHours(number),
                    "d" => TimeSpan.FromDays(number),
                    _ => throw new FormatException(),
                };
            }

            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return false;
        }
    }
}
