using System.Reflection;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.Telemetry;

/// <summary>The event id list is the only source of ids, and no id names two events.</summary>
public sealed class LogEventsTests
{
    private static readonly IReadOnlyList<(string Name, int Id)> Listed = [.. typeof(LogEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (f.Name, (int)f.GetRawConstantValue()!))];

    private static readonly IReadOnlyList<(string Method, int Id)> Logged = [.. typeof(LogEvents).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(m => m.Attribute is not null)
        .Select(m => ($"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId))];

    [Fact]
    public void Lists_EachIdOnce()
    {
        var repeated = Listed.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Name))}");
        Assert.Empty(repeated);
    }

    [Fact]
    public void EveryLogMessage_UsesAListedId_AndNoIdNamesTwoMessages()
    {
        Assert.NotEmpty(Logged);
        var listed = Listed.Select(e => e.Id).ToHashSet();
        Assert.Empty(Logged.Where(m => !listed.Contains(m.Id)).Select(m => $"{m.Method}: {m.Id}"));
        Assert.Empty(Logged.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
    }

    [Fact]
    public void EveryListedId_IsLogged()
    {
        var logged = Logged.Select(m => m.Id).ToHashSet();
        Assert.Empty(Listed.Where(e => !logged.Contains(e.Id)).Select(e => $"{e.Name}: {e.Id}"));
    }
}
