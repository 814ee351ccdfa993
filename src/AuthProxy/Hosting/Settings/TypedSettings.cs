using System.ComponentModel;
using System.Globalization;
using System.Text;
using AuthProxy.Configuration;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// Checks that every setting whose value is not text (a duration, a number, a switch, a log level)
/// reads as its type, before anything binds it: a bad value is one problem line naming the key,
/// the value and the form expected, listed with the others, instead of an exception. The bad
/// values are then hidden from binding, so the other settings are still validated.
/// </summary>
internal static class TypedSettings
{
    private const int MaxShownLength = 64;

    /// <summary>One problem for each typed setting whose value does not read as its type.</summary>
    public static IReadOnlyList<(string Key, string Problem)> Find(IConfiguration configuration)
    {
        var problems = new List<(string, string)>();
        foreach (var (key, type) in KnownSettings.Typed)
        {
            if (configuration[key] is { } value && Check(value, type) is { } expected)
            {
                problems.Add((key, $"{key}: '{Show(value)}' {expected}"));
            }
        }

        foreach (var (key, value) in configuration.GetSection("Logging").AsEnumerable())
        {
            if (value is not null && key.Contains(":LogLevel:", StringComparison.OrdinalIgnoreCase) && Check(value, typeof(LogLevel)) is { } expected)
            {
                problems.Add((key, $"{key}: '{Show(value)}' {expected}"));
            }
        }

        return problems;
    }

    /// <summary>
    /// Finds the problems of <paramref name="builder"/>'s configuration and adds, above every other
    /// source, a layer that puts the defaults in place of the bad values (so the other checks still
    /// run on what binds). The start fails anyway when there is a problem.
    /// </summary>
    public static IReadOnlyList<string> CheckAndHide(IConfigurationBuilder builder, IConfiguration configuration)
    {
        var problems = Find(configuration);
        if (problems.Count > 0)
        {
            builder.AddInMemoryCollection(problems.Select(p => new KeyValuePair<string, string?>(p.Key, KnownSettings.DefaultOf(p.Key) ?? Fallback(p.Key))));
        }

        return [.. problems.Select(p => p.Problem)];
    }

    /// <summary>A stand-in for a setting without a default: a log level's is the framework's own.</summary>
    private static string? Fallback(string key) => key.Contains(":LogLevel:", StringComparison.OrdinalIgnoreCase) ? nameof(LogLevel.Information) : null;

    /// <summary>What the value should have been, or null when it reads as <paramref name="type"/>.</summary>
    private static string? Check(string value, Type type)
    {
        if (type == typeof(TimeSpan))
        {
            if (Duration.TryParse(value, out _))
            {
                return null;
            }

            return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? $"has no unit; write {value.Trim()}s, {value.Trim()}m, {value.Trim()}h or {value.Trim()}d (TimeSpan would read a bare number as days)"
                : $"is not a duration; use {Duration.Forms}";
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) && !char.IsAsciiDigit(value.Trim().FirstOrDefault())
                ? null
                : $"is not one of {string.Join(", ", Enum.GetNames(type))}";
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return type == typeof(bool) ? "is not true or false"
                : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "is not a number (such as 0.5)"
                : type == typeof(int) || type == typeof(long) ? $"is not a whole number from {MinOf(type)} to {MaxOf(type)}"
                : $"cannot be read as {type.Name}";
        }
    }

    private static string MinOf(Type type) => type == typeof(int) ? int.MinValue.ToString(CultureInfo.InvariantCulture) : long.MinValue.ToString(CultureInfo.InvariantCulture);

    private static string MaxOf(Type type) => type == typeof(int) ? int.MaxValue.ToString(CultureInfo.InvariantCulture) : long.MaxValue.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value as a problem line may show it: control characters replaced, at most 64 characters.</summary>
    private static string Show(string value)
    {
        var shown = new StringBuilder(Math.Min(value.Length, MaxShownLength + 1));
        foreach (var c in value.Length > MaxShownLength ? value[..MaxShownLength] : value)
        {
            shown.Append(char.IsControl(c) ? '?' : c);
        }

        return value.Length > MaxShownLength ? shown.Append('…').ToString() : shown.ToString();
    }
}
