namespace AuthProxy.Telemetry;

/// <summary>What the key gauges read of one key source: its description (never key material), how many keys are in force, and when they were loaded (null: never).</summary>
internal readonly record struct KeySourceReading(string Source, int Keys, DateTimeOffset? LoadedAt);
