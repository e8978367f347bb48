using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Protocol;
using Movement.Store.Outbox;
using Movement.TestSupport;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests;

/// <summary>The whole store as <c>AddStore()</c> composes it, fed over a real (embedded) MQTT broker.</summary>
public sealed class RecorderServiceTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-recorder-").FullName;
    private EmbeddedBrokerServer _broker = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedBrokerServer.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "127.0.0.1",
            ["Movement:Mqtt:Port"] = _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Mqtt:ClientIdPrefix"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:00.05",
            ["Movement:Store:Site"] = "+",
            ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "activity.db"),
            ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "outbox.db"),
            ["Movement:Store:Mqtt:Username"] = MosquittoServer.ServiceUser,
            ["Movement:Store:Mqtt:Password"] = MosquittoServer.Password,
        });
        builder.Services.AddStore();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Recorder_EventsStepsAndRoster_StoredWithLegAndAttendance_MalformedRejected()
    {
        var site = "site-1";
        var t = Utc("2026-05-12T09:30:00Z");
        var recorder = _host.Services.GetServices<IHostedService>().OfType<RecorderService>().Single();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await recorder.Connection.WaitConnectedAsync(timeout.Token);
        }

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

        var store = _host.Services.GetRequiredService<IActivityStore>();
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
}
