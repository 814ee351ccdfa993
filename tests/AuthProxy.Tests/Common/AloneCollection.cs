namespace AuthProxy.Tests.Common;

/// <summary>
/// Tests that read a gauge from an in-process proxy's <c>/metrics</c>, run with no other test
/// beside them: OpenTelemetry merges same-named meters of every host in the test process into one
/// stream per MeterProvider and drops the stream when any of those meters is disposed, so a proxy
/// stopped by a test running in parallel could take the series off this proxy's <c>/metrics</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
