using System.Globalization;
using BenchmarkDotNet.Running;
using Movement.Benchmarks.Classifier;

if (args is ["--memory", ..])
{
    StreamMemory.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500, Console.Out);
    return;
}

if (args is ["--import-memory", ..])
{
    await Movement.Benchmarks.Dashboard.StepImportMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(StreamMemory).Assembly).Run(args);
