using Movement.LoadHarness;
using Movement.LoadHarness.Central;

// The end-to-end load harness (issue 8; the central path, issue 17). Loopback only; every phase stops by itself. See benchmarks/README.md.
if (args is [CentralRecorder.ChildFlag, .. var childArgs])
{
    return await CentralRecorder.RunChildAsync(childArgs);
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

if (!HarnessOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

Console.WriteLine($"Movement load harness: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
    $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
if (options.Central)
{
    var central = await RunEachAsync(options.SiteCounts, sites => new CentralRun(options, sites, Console.Out).RunAsync(cancel.Token), CentralResult.TableHeader, r => r.TableRow);
    return central.Count == options.SiteCounts.Count ? 0 : 1;
}

var results = await RunEachAsync(options.SensorCounts, sensors => new LoadRun(options, sensors, Console.Out).RunAsync(cancel.Token), RunResult.TableHeader, r => r.TableRow);

if (options.Sweep && results.Count > 0)
{
    var largest = results.Where(r => r.Holds).Select(r => (int?)r.Sensors).Max();
    Console.WriteLine();
    Console.WriteLine(largest is { } n
        ? $"Largest N holding p99 < {RunResult.P99LimitMs} ms with 0 lost, 0 duplicated, every sample classified: {n} sensors ({options.Broker.ToString().ToLowerInvariant()} broker)."
        : $"No sensor count held p99 < {RunResult.P99LimitMs} ms with 0 lost.");
}

return results.Count == options.SensorCounts.Count ? 0 : 1;

// Runs each count in turn (a fresh run each) until done or cancelled, then prints the markdown table of what finished.
async Task<List<T>> RunEachAsync<T>(IReadOnlyList<int> counts, Func<int, Task<T>> run, string tableHeader, Func<T, string> tableRow)
{
    var finished = new List<T>();
    try
    {
        foreach (var count in counts)
        {
            finished.Add(await run(count));
            GC.Collect();
        }
    }
    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
    {
        Console.WriteLine("Cancelled.");
    }

    Console.WriteLine();
    Console.WriteLine(tableHeader);
    finished.ForEach(r => Console.WriteLine(tableRow(r)));
    return finished;
}
