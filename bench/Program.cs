using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(KernelModel.Bench.CopyBenchmarks).Assembly).Run(args);
