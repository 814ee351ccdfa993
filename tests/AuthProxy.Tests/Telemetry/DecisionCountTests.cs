using AuthProxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AuthProxy.Tests.Telemetry;

/// <summary>
/// <c>authproxy.decisions</c> is counted by AuthProxy and observed when collected: every decision
/// is in exactly one series, and its series are bounded like the SDK's.
/// </summary>
public sealed class DecisionCountTests
{
    private static (AuthProxyMetrics Metrics, MetricCollector<long> Collector, ServiceProvider Services) Create()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        return (new AuthProxyMetrics(factory), new MetricCollector<long>(factory, AuthProxyMetrics.MeterName, "authproxy.decisions"), services);
    }

    [Fact]
    public void EveryDecision_IsCountedInItsSeries()
    {
        var (metrics, collector, services) = Create();
        using (services)
        using (collector)
        {
            for (var i = 0; i < 5; i++)
            {
                metrics.Decided("query", "allowed", "none", TimeSpan.FromMilliseconds(1));
            }

            metrics.Decided("query", "refused", "graph-scope", TimeSpan.FromMilliseconds(1));
            metrics.Decided("version", "refused", "graph-scope", TimeSpan.FromMilliseconds(1));
            Parallel.For(0, 1000, _ => metrics.Decided("query", "allowed", "none", TimeSpan.Zero));

            collector.RecordObservableInstruments();
            var series = collector.GetMeasurementSnapshot().ToDictionary(
                m => $"{m.Tags["route"]}/{m.Tags["result"]}/{m.Tags["reason"]}", m => m.Value);
            Assert.Equal(new Dictionary<string, long>
            {
                ["query/allowed/none"] = 1005,
                ["query/refused/graph-scope"] = 1,
                ["version/refused/graph-scope"] = 1,
            }, series);
        }
    }

    [Fact]
    public void ASeries_IsItsValues_NotTheStringsThatCarryThem()
    {
        // A route's id is a new string after every reload of the routes file: still the same series.
        var (metrics, collector, services) = Create();
        using (services)
        using (collector)
        {
            metrics.Decided("query", "allowed", "none", TimeSpan.Zero);
            metrics.Decided(new string("query".AsSpan()), new string("allowed".AsSpan()), new string("none".AsSpan()), TimeSpan.Zero);
            metrics.Decided("quer", "yallowed", "none", TimeSpan.Zero); // the same characters, split otherwise
            metrics.Decided("query", "allowe", "dnone", TimeSpan.Zero);

            collector.RecordObservableInstruments();
            var series = collector.GetMeasurementSnapshot().ToDictionary(
                m => $"{m.Tags["route"]}|{m.Tags["result"]}|{m.Tags["reason"]}", m => m.Value);
            Assert.Equal(new Dictionary<string, long> { ["query|allowed|none"] = 2, ["quer|yallowed|none"] = 1, ["query|allowe|dnone"] = 1 }, series);
        }
    }

    [Fact]
    public void BeyondItsSeriesLimit_DecisionsCountIntoOneOverflowSeries()
    {
        var (metrics, collector, services) = Create();
        using (services)
        using (collector)
        {
            for (var i = 0; i < AuthProxyMetrics.MaxDecisionSeries + 3; i++)
            {
                metrics.Decided($"route-{i}", "allowed", "none", TimeSpan.Zero);
            }

            metrics.Decided("route-0", "allowed", "none", TimeSpan.Zero); // a series already counted still counts

            collector.RecordObservableInstruments();
            var measurements = collector.GetMeasurementSnapshot();
            Assert.Equal(AuthProxyMetrics.MaxDecisionSeries + 1, measurements.Count);
            Assert.Equal(3, Assert.Single(measurements, m => m.Tags.ContainsKey("otel.metric.overflow")).Value);
            Assert.Equal(2, Assert.Single(measurements, m => m.Tags.TryGetValue("route", out var route) && Equals(route, "route-0")).Value);
        }
    }
}
