using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Movement.Store.Outbox;
using Movement.Store.Sqlite;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests.Outbox;

public sealed class ActivityOutboxTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-outbox-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EnqueueAsync_ReopenedFile_KeepsEntriesInOrder()
    {
        var site = NewSite();
        ActivityRecord[] records =
        [
            Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 10),
            new ManualStepsRecord(site, "p1", Day("2026-05-10"), 4000, Utc("2026-05-10T20:00:00Z")),
            new DeviceAssignmentRecord(site, "sensor-a", "p1", Utc("2026-05-01T00:00:00Z"), "right"),
            new OutcomeRecord(site, "p1", "koos_pain", "first_session", 55.5, Utc("2026-05-01T10:00:00Z"), "points"),
        ];
        using (var outbox = new ActivityOutbox(OutboxPath))
        {
            await outbox.EnqueueAsync(records, CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new ActivityOutbox(OutboxPath);
        var entries = await reopened.PeekAsync(10, CancellationToken.None);

        Assert.Equal(records, entries.Select(e => e.Record));
        Assert.True(entries.Select(e => e.Sequence).SequenceEqual(entries.Select(e => e.Sequence).Order()));
    }

    [Fact]
    public async Task EnqueueAsync_EventRecord_RoundTripsTheEvent()
    {
        var site = NewSite();
        var rep = Rep(site, "p1", "e1", Utc("2026-05-10T09:00:00.250Z"), romDeg: 77.5);
        using var outbox = new ActivityOutbox(OutboxPath);
        await outbox.EnqueueAsync([rep], CancellationToken.None);

        var read = Assert.IsType<EventRecord>(Assert.Single(await outbox.PeekAsync(10, CancellationToken.None)).Record);

        var readRep = Assert.IsType<Movement.Protocol.RepEvent>(read.Event);
        Assert.Equal(("e1", 77.5, "left", rep.Event.Time), (readRep.Id, readRep.RomDeg, read.Leg, readRep.Time));
    }

    [Fact]
    public async Task EnqueueAsync_AppendsWhileACommitWaits_CommittedTogether()
    {
        var site = NewSite();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var groups = new List<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "movement.store.outbox_group_size" && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (groups)
            {
                groups.Add(value);
            }
        });
        listener.Start();
        using var outbox = new ActivityOutbox(OutboxPath, meters);
        await outbox.EnqueueAsync([Reading(site, "sensor-a", "2026-05-10T07:59:00Z", 1)], CancellationToken.None);

        // Another writer holds the file's write lock, so the first commit waits (busy timeout) while 19 more arrive.
        Task[] appends;
        await using (var blocker = new SqliteConnection($"Data Source={OutboxPath};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var command = blocker.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync();
            appends = Enumerable.Range(0, 20)
                .Select(i => outbox.EnqueueAsync([Reading(site, "sensor-a", $"2026-05-10T08:{i:00}:00Z", i)], CancellationToken.None))
                .ToArray();
            Assert.DoesNotContain(appends, a => a.IsCompleted);
            command.CommandText = "COMMIT";
            await command.ExecuteNonQueryAsync();
        }

        await Task.WhenAll(appends);

        var entries = await outbox.PeekAsync(100, CancellationToken.None);
        Assert.Equal(21, entries.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), entries.Skip(1).Select(e => ((StepReadingRecord)e.Record!).Reading.StepsTotal).Order());
        lock (groups)
        {
            Assert.Equal(21, groups.Sum());
            Assert.InRange(groups.Count, 2, 3);
        }
    }

    [Fact]
    public async Task DrainAsync_CorruptEntry_DeadLetteredAndTheRestStored()
    {
        var site = NewSite();
        using var outbox = new ActivityOutbox(OutboxPath);
        await outbox.EnqueueAsync([Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"), Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 0)], CancellationToken.None);
        await using (var connection = new SqliteConnection($"Data Source={OutboxPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO outbox (json) VALUES ('{\"kind\":\"step_reading\",\"site\":')";
            await command.ExecuteNonQueryAsync();
        }

        await outbox.EnqueueAsync([Reading(site, "sensor-a", "2026-05-10T09:00:00Z", 700)], CancellationToken.None);
        using var store = new SqliteActivityStore(Path.Combine(_directory, "activity.db"), London);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var drainer = new OutboxDrainer(outbox, store, Microsoft.Extensions.Options.Options.Create(new StoreOptions()), new FakeTimeProvider(),
            NullLogger<OutboxDrainer>.Instance, services.GetRequiredService<IMeterFactory>());

        Assert.True(await drainer.DrainAsync(CancellationToken.None));

        Assert.Equal(0, await outbox.CountAsync(CancellationToken.None));
        Assert.Equal(1, await outbox.DeadLetterCountAsync(CancellationToken.None));
        Assert.Equal(700, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), CancellationToken.None)).Total);
    }
}
