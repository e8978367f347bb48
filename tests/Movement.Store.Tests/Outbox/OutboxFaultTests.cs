using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Movement.Store.InfluxDb;
using Movement.Store.Outbox;
using Movement.TestSupport;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests.Outbox;

/// <summary>The outbox and its drainer against a real InfluxDB that goes down mid-stream and comes back.</summary>
[Trait("Category", "Integration")]
public sealed class OutboxFaultTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-outbox-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private InfluxDbServer _influx = null!;

    public async Task InitializeAsync() => _influx = await InfluxDbServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _influx.DisposeAsync();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static StoreOptions Options(string outboxPath) => new()
    {
        OutboxPath = outboxPath,
        Outbox = new OutboxOptions { BatchSize = 25, RetryDelayMin = TimeSpan.FromSeconds(1), RetryDelayMax = TimeSpan.FromSeconds(8) },
    };

    [Fact]
    public async Task OutboxDrainer_DatabaseStoppedMidStream_EveryPointStoredExactlyOnce()
    {
        var site = NewSite();
        var time = new FakeTimeProvider(Utc("2026-05-10T12:00:00Z"));
        var options = new InfluxDbOptions { Url = _influx.Url, Database = "fault", RetentionPolicy = "autogen", Timeout = TimeSpan.FromSeconds(2) };
        using var store = new InfluxDbActivityStore(options, London, NullLogger.Instance);
        using var outbox = new ActivityOutbox(Path.Combine(_directory, "outbox.db"));
        using var drainer = new OutboxDrainer(outbox, store, Microsoft.Extensions.Options.Options.Create(Options("unused")), time,
            NullLogger<OutboxDrainer>.Instance, _services.GetRequiredService<IMeterFactory>());
        var start = Utc("2026-05-10T08:00:00Z");
        var stream = Enumerable.Range(0, 300).Select(i => (ActivityRecord)(i % 3 == 0
            ? Rep(site, "p1", $"rep-{i}", start.AddSeconds(i), rep: i, romDeg: i)
            : Reading(site, "sensor-a", start.AddSeconds(i).ToString("O"), i))).ToList();
        await drainer.StartAsync(CancellationToken.None);

        // First half while the database is up.
        foreach (var chunk in stream.Take(150).Chunk(10))
        {
            await outbox.EnqueueAsync(chunk, CancellationToken.None);
        }

        await Wait.UntilAsync(async () => await outbox.CountAsync(CancellationToken.None) == 0, "the first half is in InfluxDB");
        Assert.True(drainer.LastWrite?.Succeeded);

        // Database down: the rest queues on disk, including re-deliveries of records already stored.
        await _influx.StopInfluxAsync();
        var rest = stream.Skip(150).Concat(stream.Skip(100).Take(30)).ToList();
        await outbox.EnqueueAsync(rest.Take(10).ToList(), CancellationToken.None);
        await Wait.UntilAsync(() => Task.FromResult(drainer.FailureCount >= 1), "the drainer has seen the outage");
        var failing = drainer.LastWrite!;
        Assert.False(failing.Succeeded);
        Assert.True(failing.ConsecutiveFailures >= 1);
        Assert.Equal(time.GetUtcNow(), failing.FailingSince);
        foreach (var chunk in rest.Skip(10).Chunk(10))
        {
            await outbox.EnqueueAsync(chunk, CancellationToken.None);
        }

        Assert.Equal(rest.Count, await outbox.CountAsync(CancellationToken.None));

        // Back up: nothing moves until the backoff elapses (fake time), then everything drains.
        await _influx.StartInfluxAsync();
        Assert.Equal(rest.Count, await outbox.CountAsync(CancellationToken.None));
        await Wait.UntilAsync(async () => await outbox.CountAsync(CancellationToken.None) == 0, "the outbox has drained",
            betweenPolls: () => time.Advance(TimeSpan.FromSeconds(1)));
        await drainer.StopAsync(CancellationToken.None);
        Assert.True(drainer.LastWrite!.Succeeded);
        Assert.Equal(0, drainer.LastWrite.ConsecutiveFailures);

        using var query = new InfluxQlClient(options);
        var counts = await query.QueryAsync(
            $"SELECT count(steps_total), sum(steps_total) FROM step_reading WHERE site = '{site}'; " +
            $"SELECT count(rom_deg), sum(rom_deg) FROM rep WHERE site = '{site}'", CancellationToken.None);
        var readings = InfluxRow.Of(counts[0]).Single();
        var reps = InfluxRow.Of(counts[1]).Single();
        Assert.Equal(200, readings.Int64("count"));
        Assert.Equal(Enumerable.Range(0, 300).Where(i => i % 3 != 0).Sum(), readings.Int64("sum"));
        Assert.Equal(100, reps.Int64("count"));
        Assert.Equal(Enumerable.Range(0, 300).Where(i => i % 3 == 0).Sum(), reps.Double("sum"));
        Assert.Equal(0, await outbox.DeadLetterCountAsync(CancellationToken.None));
    }
}
