using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Protocol;
using Movement.Store.Outbox;
using Movement.TestSupport;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests;

/// <summary>The whole store as <c>AddStore()</c> composes it, fed over a real (embedded) MQTT broker.</summary>
[Trait("Category", "Integration")]
public sealed class RecorderServiceTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-recorder-").FullName;
    private readonly string _clientIdPrefix = "test-" + Guid.NewGuid().ToString("N")[..8];
    private EmbeddedBrokerServer _broker = null!;
    private IHost? _host;

    public async Task InitializeAsync() => _broker = await EmbeddedBrokerServer.StartAsync();

    /// <summary>Starts <c>AddStore()</c> in a host and waits until the recorder is connected and subscribed.</summary>
    private async Task<RecorderService> StartRecorderAsync(bool recordRawSamples = false, int? brokerPort = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "127.0.0.1",
            ["Movement:Mqtt:Port"] = (brokerPort ?? _broker.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Mqtt:ClientIdPrefix"] = _clientIdPrefix,
            ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:00.05",
            ["Movement:Store:Site"] = "+",
            ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "activity.db"),
            ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "outbox.db"),
            ["Movement:Store:Mqtt:Username"] = MosquittoServer.ServiceUser,
            ["Movement:Store:Mqtt:Password"] = MosquittoServer.Password,
            ["Movement:Store:RecordRawSamples"] = recordRawSamples ? "true" : "false",
        });
        builder.Services.AddStore();
        _host = builder.Build();
        await _host.StartAsync();
        var recorder = _host.Services.GetServices<IHostedService>().OfType<RecorderService>().Single();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await recorder.Connection.WaitConnectedAsync(timeout.Token);
        return recorder;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await _broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Recorder_EventsStepsAndRoster_StoredWithLegAndAttendance_MalformedRejected()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        await StartRecorderAsync();
        await using var publisher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "publisher");
        var session = new SessionState
        {
            SessionId = "session-7", Active = true, Time = t.AddMinutes(-30),
            Roster = [new RosterEntry("p1", "sensor-a", Placement.Shank, Side.Right)],
        };
        await publisher.Connection.PublishAsync(Topics.Session(site), ProtocolJson.Encode(session), retain: true, CancellationToken.None);
        var rep = (RepEvent)Rep(site, "p1", "rep-1", t, session: "session-7").Event;
        await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), ProtocolJson.Encode(rep), false, CancellationToken.None);
        // Malformed JSON, and an event published on another participant's topic: both rejected, the stream goes on.
        await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), "{\"type\":\"rep\",\"id\":"u8.ToArray(), false, CancellationToken.None);
        var misplaced = rep with { Id = "rep-misplaced", Participant = "p2" };
        await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), ProtocolJson.Encode(misplaced), false, CancellationToken.None);
        await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), ProtocolJson.Encode(rep with { Id = "rep-2", RepNumber = 2, Time = t.AddSeconds(3) }), false, CancellationToken.None);
        foreach (var (minute, total) in new[] { (0, 100L), (10, 400L) })
        {
            var reading = new StepReading { Sensor = "sensor-a", Time = t.AddMinutes(minute), StepsTotal = total };
            await publisher.Connection.PublishAsync(Topics.SensorSteps(site, "sensor-a"), ProtocolJson.Encode(reading), false, CancellationToken.None);
        }

        var store = _host!.Services.GetRequiredService<IActivityStore>();
        var outbox = _host.Services.GetRequiredService<ActivityOutbox>();
        await Wait.UntilAsync(async () =>
            (await store.GetDailyStepsAsync(site, "p1", Day("2026-05-12"), Day("2026-05-12"), CancellationToken.None))[0].Total == 300
            && (await store.GetRepsAsync(site, "p1", t.AddHours(-1), t.AddHours(1), CancellationToken.None)).Count == 2
            && await outbox.CountAsync(CancellationToken.None) == 0,
            "the reps and steps are stored");

        var reps = await store.GetRepsAsync(site, "p1", t.AddHours(-1), t.AddHours(1), CancellationToken.None);
        Assert.Equal(["rep-1", "rep-2"], reps.Select(r => r.EventId));
        Assert.All(reps, r => Assert.Equal("right", r.Leg));
        Assert.Empty(await store.GetRepsAsync(site, "p2", t.AddHours(-1), t.AddHours(1), CancellationToken.None));
        var attendance = Assert.Single(await store.GetAttendanceAsync(site, Day("2026-05-12"), Day("2026-05-12"), CancellationToken.None));
        Assert.Equal(("session-7", "p1", true), (attendance.Session, attendance.Participant, attendance.Attended));
    }

    [Fact]
    public async Task Recorder_SessionWithCohortReference_AttendanceKeepsIt()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        await StartRecorderAsync();
        await using var publisher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "publisher");
        var session = new SessionState
        {
            SessionId = "session-3", Active = true, Time = t, CohortId = "c-2", SessionNumber = 3, SessionsPlanned = 12,
            Roster = [new RosterEntry("p1", "sensor-a", Placement.Shank, Side.Right), new RosterEntry("p2", "sensor-b", Placement.Shank, Side.Left)],
        };
        // A session state from before the cohort reference, of the same site: recorded without one.
        var older = new SessionState { SessionId = "session-0", Active = true, Time = t.AddHours(-1), Roster = [new RosterEntry("p1", "sensor-a", Placement.Shank, Side.Right)] };

        await publisher.Connection.PublishAsync(Topics.Session(site), ProtocolJson.Encode(older), retain: false, CancellationToken.None);
        await publisher.Connection.PublishAsync(Topics.Session(site), ProtocolJson.Encode(session), retain: true, CancellationToken.None);

        var store = _host!.Services.GetRequiredService<IActivityStore>();
        await Wait.UntilAsync(async () => (await store.GetAttendanceAsync(site, Day("2026-05-12"), Day("2026-05-12"), CancellationToken.None)).Count == 3,
            "the attendance is stored");
        var attendance = await store.GetAttendanceAsync(site, Day("2026-05-12"), Day("2026-05-12"), CancellationToken.None);
        Assert.Equal(
            [("session-0", "p1", null, null), ("session-3", "p1", "c-2", 3), ("session-3", "p2", "c-2", 3)],
            attendance.Select(a => (a.Session, a.Participant, a.Cohort, a.SessionNumber)));
        Assert.All(attendance.Where(a => a.Cohort is not null), a => Assert.Equal(12, a.SessionsPlanned));
    }

    [Fact]
    public async Task Recorder_RawSamplesOff_NotSubscribedNorStored()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        var recorder = await StartRecorderAsync();
        await using var publisher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "publisher");

        await publisher.Connection.PublishAsync(Topics.SensorSamples(site, "sensor-a"), Samples(1, Micros(t)), false, CancellationToken.None);
        var rep = (RepEvent)Rep(site, "p1", "rep-1", t).Event;
        await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), ProtocolJson.Encode(rep), false, CancellationToken.None);

        var store = _host!.Services.GetRequiredService<IActivityStore>();
        var outbox = _host.Services.GetRequiredService<ActivityOutbox>();
        // The rep published after the batch is stored, so the batch had its chance to arrive.
        await Wait.UntilAsync(async () =>
            await outbox.CountAsync(CancellationToken.None) == 0
            && (await store.GetRepsAsync(site, "p1", t.AddHours(-1), t.AddHours(1), CancellationToken.None)).Count == 1,
            "the rep is stored");
        Assert.DoesNotContain(recorder.Subscriptions, s => s.EndsWith("/samples", StringComparison.Ordinal));
        Assert.Empty(await store.GetRawSamplesAsync(site, "sensor-a", t.AddHours(-1), t.AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task Recorder_RawSamplesOn_BatchesStoredMalformedRejectedAndCounted()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        var recorder = await StartRecorderAsync(recordRawSamples: true);
        var meters = _host!.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var rejected = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "movement.store.invalid_payloads" && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref rejected, value));
        listener.Start();
        await using var publisher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "publisher");

        var first = Samples(1, Micros(t));
        var truncated = Samples(2, Micros(t) + 100_000)[..^3];
        var second = Samples(3, Micros(t) + 200_000, gyro: false);
        foreach (var payload in new[] { first, truncated, second, first })
        {
            await publisher.Connection.PublishAsync(Topics.SensorSamples(site, "sensor-a"), payload, false, CancellationToken.None);
        }

        var store = _host!.Services.GetRequiredService<IActivityStore>();
        await Wait.UntilAsync(async () =>
            (await store.GetRawSamplesAsync(site, "sensor-a", t.AddHours(-1), t.AddHours(1), CancellationToken.None)).Count == 10
            && Interlocked.Read(ref rejected) == 1,
            "both valid batches are stored and the truncated one is counted");

        Assert.Contains(recorder.Subscriptions, s => s.EndsWith("/samples", StringComparison.Ordinal));
        var samples = await store.GetRawSamplesAsync(site, "sensor-a", t.AddHours(-1), t.AddHours(1), CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => Micros(t) + (i * 20_000)).Concat(Enumerable.Range(0, 5).Select(i => Micros(t) + 200_000 + (i * 20_000))),
            samples.Select(s => s.TimestampUs));
        Assert.True(samples[0].HasGyro);
        Assert.False(samples[^1].HasGyro);
    }

    [Fact]
    public async Task Recorder_OutboxCannotCommit_MessageLeftUnacknowledgedOnTheBroker()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        // Mosquitto re-sends unacknowledged messages as soon as a persistent session resumes (the embedded MQTTnet
        // broker does too, but only after its in-flight timeout, ~30 s).
        await using var mosquitto = await MosquittoServer.StartAsync();
        await StartRecorderAsync(brokerPort: mosquitto.Port);
        await using var publisher = await MqttProbe.ConnectAsync(mosquitto.ConnectionOptions(MosquittoServer.ServiceUser), "publisher");
        async Task PublishRepAsync(string id, int second)
        {
            var rep = (RepEvent)Rep(site, "p1", id, t.AddSeconds(second), rep: second + 1).Event;
            await publisher.Connection.PublishAsync(Topics.ParticipantEvent(site, "p1", "rep"), ProtocolJson.Encode(rep), false, CancellationToken.None);
        }

        async Task<int> StoredRepsAsync() => (await _host!.Services.GetRequiredService<IActivityStore>()
            .GetRepsAsync(site, "p1", t.AddHours(-1), t.AddHours(1), CancellationToken.None)).Count;

        await PublishRepAsync("rep-0", 0);
        await Wait.UntilAsync(async () => await StoredRepsAsync() == 1, "the first rep is stored");
        var received = CountReceived(_host!);

        // Another writer holds the outbox file's write lock: the recorder receives rep-1 but cannot commit it, so it
        // must not acknowledge it. Stop the recorder in that state: the broker must still hold rep-1 for its session.
        await using (var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "outbox.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var command = blocker.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync();
            await PublishRepAsync("rep-1", 1);
            await Wait.UntilAsync(() => Task.FromResult(received() >= 1), "the recorder received rep-1");
            await _host!.StopAsync();

            // The broker still holds rep-1 for the recorder's persistent session: a client resuming it gets rep-1.
            var options = mosquitto.ConnectionOptions(MosquittoServer.ServiceUser);
            options.ClientIdPrefix = _clientIdPrefix;
            // rep-0 may come first: under load its acknowledgement can still be queued when the recorder stops, and
            // at-least-once allows it to be delivered again (the store's writes are idempotent). rep-1 must come.
            var redelivered = new List<string>();
            await using (var resumed = await MqttProbe.ConnectAsync(options, "recorder", persistent: true))
            {
                while (!redelivered.Contains("rep-1"))
                {
                    var (_, payload) = await resumed.NextAsync();
                    Assert.True(ProtocolJson.TryDecodeEvent(payload, out var message, out _));
                    redelivered.Add(message!.Id);
                }
            }

            Assert.All(redelivered, id => Assert.Contains(id, new[] { "rep-0", "rep-1" }));

            command.CommandText = "ROLLBACK";
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Counts the MQTT messages a host's recorder receives from now on (the listener lives as long as the host's meters).</summary>
    private static Func<long> CountReceived(IHost host)
    {
        var meters = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var received = 0L;
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "movement.mqtt.messages_received" && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref received, value));
        listener.Start();
        return () => Interlocked.Read(ref received);
    }
}
