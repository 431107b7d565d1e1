using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench -- --filter '*' (see BENCHMARKS.md). Not run by dotnet test or CI.
// The median is shown next to the mean: on a shared machine it is the figure BENCHMARKS.md records.
BenchmarkSwitcher.FromAssembly(typeof(KernelModel.Bench.CopyBenchmarks).Assembly).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
