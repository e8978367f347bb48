using System.Buffers.Binary;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Movement.Gateway;
using Movement.Gateway.Decoders;
using Movement.Gateway.Publishing;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Protocol;
using Movement.Store;
using Movement.TestSupport;

namespace Movement.System.Tests;

/// <summary>
/// A home hub as docs/home-hub.md sets it up: the gateway host with the shipped appsettings.HomeHub.json, a PineTime's
/// step-count notifications through its real driver, TLS to Debian's mosquitto with a private CA, the HomeHub account;
/// at the clinic the recorder (AddStore, SQLite) behind the same broker. The broker goes down for a while and the hub
/// restarts meanwhile; afterwards every reading has arrived once, and the participant's local days count them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HomeHubTests : IAsyncLifetime
{
    private const string Site = "site-1";
    private const string Participant = "p03";
    private const string Sensor = MosquittoServer.HomeHubSensor;

    private readonly string _directory = Directory.CreateTempSubdirectory("movement-homehub-").FullName;
    private readonly TestCertificateAuthority _authority = TestCertificateAuthority.Create();
    // 22:00 UTC on a summer evening: 23:00 in London (BST), an hour before the participant's midnight.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 10, 22, 0, 0, TimeSpan.Zero));
    private MosquittoServer _broker = null!;
    private IHost _clinic = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoServer.StartAsync(tls: _authority);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "127.0.0.1",
            ["Movement:Mqtt:Port"] = _broker.Port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Mqtt:ClientIdPrefix"] = "clinic",
            ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:00.05",
            ["Movement:Mqtt:ReconnectDelayMax"] = "00:00:00.5",
            ["Movement:Store:Site"] = Site,
            ["Movement:Store:TimeZone"] = "Europe/London",
            ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "activity.db"),
            ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "outbox.db"),
            ["Movement:Store:Mqtt:Username"] = MosquittoServer.RecorderUser,
            ["Movement:Store:Mqtt:Password"] = MosquittoServer.Password,
        });
        builder.Services.AddStore();
        _clinic = builder.Build();
        await _clinic.StartAsync();
        // The clinic gave the participant the counter from today on (the dashboard writes this for home devices).
        await Store.WriteAsync(new DeviceAssignmentRecord(Site, Sensor, Participant, _time.GetUtcNow().AddDays(-1)), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _clinic.StopAsync();
        _clinic.Dispose();
        await _broker.DisposeAsync();
        _authority.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private IActivityStore Store => _clinic.Services.GetRequiredService<IActivityStore>();

    private RecorderService Recorder => _clinic.Services.GetServices<IHostedService>().OfType<RecorderService>().Single();

    /// <summary>The gateway host as a home hub runs it: appsettings.json, then the HomeHub profile, then this box's own settings.</summary>
    private async Task<IHost> StartHubAsync()
    {
        var hostFolder = Path.Combine(RepositoryRoot.Path, "gateway", "Movement.Gateway.Host");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "HomeHub", DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(hostFolder, "appsettings.json"), optional: false);
        builder.Configuration.AddJsonFile(Path.Combine(hostFolder, "appsettings.HomeHub.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "localhost",
            ["Movement:Mqtt:Port"] = _broker.TlsPort!.Value.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Mqtt:CaCertificateFile"] = _authority.CaCertificatePath,
            ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:00.1",
            ["Movement:Mqtt:ReconnectDelayMax"] = "00:00:01",
            ["Movement:Gateway:GatewayId"] = MosquittoServer.HomeHubUser,
            ["Movement:Gateway:Mqtt:Username"] = MosquittoServer.HomeHubUser,
            ["Movement:Gateway:Mqtt:Password"] = MosquittoServer.Password,
            ["Movement:Gateway:Queue:Directory"] = Path.Combine(_directory, "hub-queue"),
            // The radio is played by the test, through the PineTime driver; the profile's BlueZ link is not started.
            ["Movement:Gateway:Bluetooth:Enabled"] = "false",
            ["Movement:Gateway:Sensors:0:SensorId"] = Sensor,
        });
        builder.Services.AddGateway();
        builder.Services.AddSingleton<TimeProvider>(_time);
        var hub = builder.Build();
        await hub.StartAsync();
        return hub;
    }

    /// <summary>A PineTime step-count notification (and a raw-motion one, which a home hub must not forward) at the fake clock's time.</summary>
    private static void Notify(ISensorDriver driver, SensorChannel channel, uint steps, TimeProvider time)
    {
        var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(count, steps);
        driver.OnNotification(InfiniTime.StepCountCharacteristic, count, nowUs, channel);
        driver.OnNotification(InfiniTime.RawMotionCharacteristic, [0, 0, 0, 0, 0, 4], nowUs, channel);
    }

    private static StepReading Decode(byte[] payload) =>
        ProtocolJson.TryDecodeStepReading(payload, out var reading, out var error) ? reading! : throw new InvalidOperationException(error);

    private static (ISensorDriver Driver, SensorChannel Channel) PineTime(IHost hub)
    {
        var registration = new SensorRegistration { Address = "C7:2A:11:5E:90:03", SensorId = Sensor, Kind = SensorKind.InfiniTime };
        var driver = SensorDrivers.Create(registration);
        return (driver, hub.Services.GetRequiredService<SensorHub>().GetOrAdd(registration, driver.KindName));
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what) =>
        await Wait.UntilAsync(() => Task.FromResult(condition()), what, betweenPolls: () => _time.Advance(TimeSpan.FromMilliseconds(100)));

    [Fact]
    public async Task HomeHub_OutageAndRestartOverTls_EveryReadingOnce_CountedOnTheParticipantsLocalDays()
    {
        await using var watcher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "homehub-watch", ["movement/v1/#"]);
        var hub = await StartHubAsync();
        var publisher = hub.Services.GetRequiredService<GatewayPublisher>();
        await WaitUntilAsync(() => publisher.IsConnected, "the hub is connected over TLS");
        var (driver, channel) = PineTime(hub);
        var start = new DateTimeOffset(2026, 6, 10, 0, 0, 0, TimeSpan.Zero).AddHours(22).AddMinutes(5);
        var times = new List<DateTimeOffset>();
        // A baseline of 1000 at 22:05 UTC, then 50 steps every 5 minutes for two hours, to 00:05 UTC (01:05 in London).
        for (var i = 0; i <= 24; i++)
        {
            if (i == 8)
            {
                await _broker.StopAsync();
                await WaitUntilAsync(() => !publisher.IsConnected && !Recorder.Connection.IsConnected && !watcher.Connection.IsConnected, "everyone saw the broker go");
            }

            if (i == 12)
            {
                // A power cut while offline: the hub stops with readings only on its disk, and starts again.
                Assert.True(publisher.BatchesQueued >= 4, $"readings wait on disk while the broker is down ({publisher.BatchesQueued})");
                await hub.StopAsync();
                hub.Dispose();
                hub = await StartHubAsync();
                publisher = hub.Services.GetRequiredService<GatewayPublisher>();
                Assert.True(publisher.BatchesQueued >= 4, "the restarted hub found its queue");
                (driver, channel) = PineTime(hub);
            }

            if (i == 16)
            {
                await _broker.StartProcessAsync();
                // The clinic's side is back (the recorder subscribed again) before the hub's backlog flows.
                using var connected = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await Recorder.Connection.WaitConnectedAsync(connected.Token);
                await watcher.Connection.WaitConnectedAsync(connected.Token);
                await WaitUntilAsync(() => publisher.IsConnected && publisher.BatchesQueued == 0, "the hub replayed its backlog");
            }

            _time.SetUtcNow(start.AddMinutes(5 * i));
            times.Add(_time.GetUtcNow());
            Notify(driver, channel, (uint)(1000 + (50 * i)), _time);
        }

        var lastTopic = Topics.SensorSteps(Site, Sensor);
        var received = new List<(string Topic, byte[] Payload)>();
        while (!received.Any(m => m.Topic == lastTopic && Decode(m.Payload).StepsTotal == 1000 + (50 * 24)))
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            received.Add(await watcher.NextAsync(TimeSpan.FromSeconds(30)));
        }

        await hub.StopAsync();
        hub.Dispose();

        var readings = received.Where(m => m.Topic == lastTopic).Select(m => Decode(m.Payload)).ToList();
        Assert.Equal(times, readings.Select(r => r.Time));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => 1000L + (50 * i)), readings.Select(r => r.StepsTotal));
        Assert.DoesNotContain(received, m => m.Topic.EndsWith("/samples", StringComparison.Ordinal) || m.Topic.EndsWith("/claim", StringComparison.Ordinal));
        Assert.Contains(received, m => m.Topic == Topics.SensorStatus(Site, Sensor));

        // Local days in London (BST): the 11 increments up to 23:00 UTC fall on 10 June, the 13 after it on 11 June; by UTC
        // days all but the last would fall on 10 June.
        var june10 = new DateOnly(2026, 6, 10);
        IReadOnlyList<DailySteps> days = [];
        await Wait.UntilAsync(async () =>
        {
            days = await Store.GetDailyStepsAsync(Site, Participant, june10, june10.AddDays(1), CancellationToken.None);
            return days.Sum(d => d.DeviceSteps) == 24 * 50;
        }, "the recorder stored every reading");
        Assert.Equal([(june10, 11 * 50L), (june10.AddDays(1), 13 * 50L)], days.Select(d => (d.Date, d.DeviceSteps)));
    }
}
