using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using Movement.Protocol;
using Movement.Store;
using Movement.Store.InfluxDb;
using Movement.Store.Outbox;
using Movement.Store.Sqlite;
using Movement.TestSupport;

namespace Movement.Benchmarks.Store;

/// <summary>
/// A short run (2 warm-ups, 8 measured iterations) in process: each invocation is thousands of database writes,
/// so the monitoring strategy (no pilot stage) fits, and in-process avoids building a separate exe per suite.
/// </summary>
public sealed class StoreWriteConfig() : InProcessMonitoringConfig(warmups: 2, iterations: 8);

/// <summary>
/// In process, monitoring strategy (no pilot stage), one launch, operations per second: the shape of the store suites,
/// whose invocations are long (many writes, or seconds of broker traffic).
/// </summary>
public abstract class InProcessMonitoringConfig : ManualConfig
{
    protected InProcessMonitoringConfig(int warmups, int iterations)
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

/// <summary>
/// Store write throughput: one "operation" is one point (a rep event or a step reading), so BenchmarkDotNet's
/// ops/s column is points per second. Each suite's baseline writes one point per call; the others batch.
/// Fresh timestamps per invocation, so every point is new (re-writing old ones would measure the idempotent no-op).
/// </summary>
public abstract class StoreWriteBenchmarks
{
    public const int Points = 2000;
    private long _invocation;

    protected IActivityStore Store { get; set; } = null!;

    protected IReadOnlyList<ActivityRecord> NextPoints()
    {
        var site = "bench";
        var start = new DateTimeOffset(2026, 5, 10, 8, 0, 0, TimeSpan.Zero).AddHours(Interlocked.Increment(ref _invocation));
        var records = new ActivityRecord[Points];
        for (var i = 0; i < Points; i++)
        {
            var time = start.AddMilliseconds(i * 250);
            records[i] = i % 2 == 0
                ? new EventRecord(site, new RepEvent
                {
                    Id = $"{_invocation}-{i}", Site = site, Participant = $"p{i % 8}", Sensor = $"sensor-{i % 8}", Time = time, Session = "session-1",
                    Exercise = ExerciseIds.SitToStand, SetNumber = 1, RepNumber = i, StartTime = time.AddSeconds(-2), DurationS = 2, RomDeg = 80 + (i % 10),
                }, "left")
                : new StepReadingRecord(site, new StepReading { Sensor = $"sensor-{i % 8}", Time = time, StepsTotal = i });
        }

        return records;
    }

    protected async Task WriteInBatchesAsync(int batchSize)
    {
        foreach (var batch in NextPoints().Chunk(batchSize))
        {
            await Store.WriteAsync(batch, CancellationToken.None);
        }
    }
}

[Config(typeof(StoreWriteConfig))]
public class SqliteStoreWriteBenchmarks : StoreWriteBenchmarks
{
    private string _directory = null!;
    private ActivityOutbox _outbox = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("movement-bench-sqlite-").FullName;
        Store = new SqliteActivityStore(Path.Combine(_directory, "activity.db"), TimeZoneInfo.Utc);
        _outbox = new ActivityOutbox(Path.Combine(_directory, "outbox.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ((IDisposable)Store).Dispose();
        _outbox.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public Task OnePointPerWrite() => WriteInBatchesAsync(1);

    [Benchmark(OperationsPerInvoke = Points)]
    public Task Batch500() => WriteInBatchesAsync(500);

    /// <summary>One durable outbox append per message, each awaited before the next (the recorder before group commit).</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public async Task OutboxAppendOnePerMessage()
    {
        foreach (var record in NextPoints())
        {
            await _outbox.EnqueueAsync([record], CancellationToken.None);
        }

        await EmptyOutboxAsync();
    }

    /// <summary>One append per message, all outstanding at once (the recorder with deferred acks): group commit shares the fsyncs.</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public async Task OutboxAppendGroupCommit()
    {
        await Task.WhenAll(NextPoints().Select(record => _outbox.EnqueueAsync([record], CancellationToken.None)));
        await EmptyOutboxAsync();
    }

    private async Task EmptyOutboxAsync()
    {
        var drained = await _outbox.PeekAsync(int.MaxValue, CancellationToken.None);
        await _outbox.DeleteThroughAsync(drained[^1].Sequence, CancellationToken.None);
    }
}

[Config(typeof(StoreWriteConfig))]
public class InfluxDbStoreWriteBenchmarks : StoreWriteBenchmarks
{
    private InfluxDbServer _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = InfluxDbServer.StartAsync().GetAwaiter().GetResult();
        Store = new InfluxDbActivityStore(
            new InfluxDbOptions { Url = _server.Url, Database = "bench", RetentionPolicy = "autogen", BatchSize = 5000 },
            TimeZoneInfo.Utc, NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ((IDisposable)Store).Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public Task OnePointPerWrite() => WriteInBatchesAsync(1);

    [Benchmark(OperationsPerInvoke = Points)]
    public Task Batch500() => WriteInBatchesAsync(500);

    [Benchmark(OperationsPerInvoke = Points)]
    public Task Batch2000() => WriteInBatchesAsync(2000);
}
