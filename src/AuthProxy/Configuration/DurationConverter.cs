using System.ComponentModel;
using System.Globalization;

namespace AuthProxy.Configuration;

/// <summary>TimeSpan's converter, reading the unit forms of <see cref="Duration"/> (<c>5m</c>, <c>30s</c>) before TimeSpan's own.</summary>
internal sealed class DurationConverter : TimeSpanConverter
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text && !text.Contains(':', StringComparison.Ordinal) && Duration.TryParse(text, out var duration)
            ? duration
            : base.ConvertFrom(context, culture, value);
}
