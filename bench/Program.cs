using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench -- --filter '*' (see BENCHMARKS.md). Not run by dotnet test or CI.
BenchmarkSwitcher.FromAssembly(typeof(KernelModel.Bench.CopyBenchmarks).Assembly).Run(args);
