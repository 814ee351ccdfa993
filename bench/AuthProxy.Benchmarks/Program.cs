using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/AuthProxy.Benchmarks -- --filter '*'
// (or scripts/bench.sh). Each class compares its cases as ratios to its baseline in one run.
BenchmarkSwitcher.FromAssembly(typeof(AuthProxy.Benchmarks.BenchmarkKeys).Assembly).Run(args);
