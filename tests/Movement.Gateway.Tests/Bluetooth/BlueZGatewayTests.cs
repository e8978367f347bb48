using Microsoft.Extensions.Hosting;
using Movement.Gateway.Decoders;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Bluetooth;

/// <summary>
/// The gateway against BlueZ's D-Bus API (private dbus-daemon + python-dbusmock bluez5 with GATT objects) and a real
/// broker: discovery, connect, start commands, notifications decoded and published, reconnect without duplicates.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlueZGatewayTests : IAsyncLifetime
{
    private const string ThingyAddress = "C0:FF:EE:00:00:01";
    private const string PolarAddress = "A0:9E:1A:00:00:02";
    private const string StrangerAddress = "11:22:33:44:55:66";
    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private BluezMockServer _bluez = null!;
    private EmbeddedBrokerServer _broker = null!;

    public async Task InitializeAsync()
    {
        _bluez = await BluezMockServer.StartAsync();
        _broker = await EmbeddedBrokerServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bluez.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = BleTestKit.Settings(_broker.Port, _queueDirectory, _bluez, thingies: (ThingyAddress, "thingy-1"));
        settings["Movement:Gateway:Sensors:1:Address"] = PolarAddress;
        settings["Movement:Gateway:Sensors:1:SensorId"] = "polar-1";
        settings["Movement:Gateway:Sensors:1:Kind"] = "PolarPmd";
        settings["Movement:Gateway:Sensors:1:SampleRateHz"] = "52";
        settings["Movement:Gateway:Sensors:1:Placement"] = "Thigh";
        settings["Movement:Gateway:Sensors:1:Side"] = "Left";
        return settings;
    }

    [Fact]
    public async Task Gateway_TwoSensorsThroughBlueZ_StartsStreamsAndResumesAfterReconnectWithoutDuplicates()
    {
        var thingy = await _bluez.AddDeviceAsync("hci0", ThingyAddress, "Thingy", "thingy52");
        var polar = await _bluez.AddDeviceAsync("hci0", PolarAddress, "Polar Sense", "polar");
        var stranger = await _bluez.AddDeviceAsync("hci0", StrangerAddress, "Someone's watch", "thingy52");
        var thingyConfig = $"{thingy}/{BluezMockServer.Paths.ThingyConfig}";
        var thingyMotion = $"{thingy}/{BluezMockServer.Paths.ThingyRawMotion}";
        var polarControl = $"{polar}/{BluezMockServer.Paths.PolarControlPoint}";
        var polarData = $"{polar}/{BluezMockServer.Paths.PolarData}";
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "ble-sub", [Topics.AllSamples("site-1"), Topics.AllSensorStatus("site-1")]);
        using var host = GatewayHost.Build(Settings());
        await host.StartAsync();

        // Connect, then the start commands (asserted from the mock's call log).
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingyConfig, "WriteValue"), 1, "thingy config write");
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(polarControl, "WriteValue"), 1, "polar start write");
        Assert.Equal([Convert.ToHexString((ThingyMotionConfig.Default with { MotionFrequencyHz = 50 }).ToBytes())],
            await _bluez.GetMethodCallsAsync(thingyConfig, "WriteValue"));
        Assert.Equal([Convert.ToHexString(PolarPmd.StartCommand(PmdMeasurementType.Acc, new PmdAccSettings(52, 16, 8, 3).ToSettings()))],
            await _bluez.GetMethodCallsAsync(polarControl, "WriteValue"));
        Assert.Single(await _bluez.GetMethodCallsAsync(thingyMotion, "StartNotify"));
        Assert.Single(await _bluez.GetMethodCallsAsync(polarData, "StartNotify"));
        Assert.Empty(await _bluez.GetMethodCallsAsync(stranger, "Connect"));
        Assert.NotEmpty(await _bluez.GetMethodCallsAsync("/org/bluez/hci0", "SetDiscoveryFilter"));
        Assert.NotEmpty(await _bluez.GetMethodCallsAsync("/org/bluez/hci0", "StartDiscovery"));

        // Notifications: five Thingy samples and one Polar frame (the SDK's compressed vector: two samples).
        await _bluez.NotifyAsync(thingyMotion, [.. Enumerable.Range(0, 5).Select(BleTestKit.ThingyMotion)]);
        await _bluez.NotifyAsync(polarData, Convert.FromHexString("026500000000000000" + "81F1FF1400F00306017B0F08"));
        var feed = new BrokerFeed(probe);
        await feed.CollectUntilAsync(f => f.SampleCount("thingy-1") >= 5 && f.SampleCount("polar-1") >= 2);

        var polarSamples = feed.Batches["polar-1"].SelectMany(b => b.Samples).ToArray();
        Assert.Equal(2, polarSamples.Length);
        Assert.Equal(1008 * 9.80665f / 1000, polarSamples[1].AccelZ, 3);
        Assert.Equal(-20 * 9.80665f / 1000, polarSamples[1].AccelX, 3);

        // The Thingy drops its link; the gateway reconnects and re-runs the start sequence.
        await _bluez.SetDeviceLinkAsync(thingy, connected: false);
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingy, "Connect"), 2, "thingy reconnect");
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingyConfig, "WriteValue"), 2, "thingy config rewrite");
        await _bluez.NotifyAsync(thingyMotion, [.. Enumerable.Range(5, 5).Select(BleTestKit.ThingyMotion)]);
        await feed.CollectUntilAsync(f => f.SampleCount("thingy-1") >= 10);
        // One more notification as a marker: the sensor's samples keep their order to the broker, so a notification
        // handled twice would show before the marker; no waiting for duplicates that might still come.
        await _bluez.NotifyAsync(thingyMotion, [BleTestKit.ThingyMotion(10)]);
        await feed.CollectUntilAsync(f => f.ThingyCounts("thingy-1").Contains(10));
        // The statuses travel apart from the samples: wait for the ones asserted below.
        await feed.CollectUntilAsync(f => f.Statuses.Any(s => s.Sensor == "thingy-1" && !s.Connected) && f.Statuses.Any(s => s.Sensor == "polar-1" && s.Connected));
        await host.StopAsync();

        // Every Thingy sample exactly once, in order, across the reconnect (one PropertiesChanged match, not two).
        Assert.Equal(Enumerable.Range(0, 11), feed.ThingyCounts("thingy-1"));
        var sequences = feed.Batches["thingy-1"].Select(b => b.Sequence).ToArray();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
        Assert.True(feed.Batches["thingy-1"].All(b => b.HasGyro));

        // Link and battery (Battery1.Percentage) in the retained status, including the drop.
        Assert.Contains(feed.Statuses, s => s.Sensor == "thingy-1" && s.Connected && s.BatteryPct == 87 && s.Kind == "thingy52");
        Assert.Contains(feed.Statuses, s => s.Sensor == "thingy-1" && !s.Connected);
        Assert.Contains(feed.Statuses, s => s.Sensor == "polar-1" && s.Connected && s.Placement == Placement.Thigh && s.Side == Side.Left);
    }

    [Fact]
    public async Task Gateway_BluetoothdRestarts_RediscoversAndRestartsSensor()
    {
        var thingy = await _bluez.AddDeviceAsync("hci0", ThingyAddress, "Thingy", "thingy52");
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "ble-restart-sub", [Topics.AllSamples("site-1")]);
        using var host = GatewayHost.Build(Settings());
        await host.StartAsync();
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync($"{thingy}/{BluezMockServer.Paths.ThingyConfig}", "WriteValue"), 1, "first start");

        // bluetoothd goes away (NameOwnerChanged, every object gone) and comes back with the device.
        await _bluez.StopBluezAsync();
        await _bluez.StartBluezAsync();
        thingy = await _bluez.AddDeviceAsync("hci0", ThingyAddress, "Thingy", "thingy52");
        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync($"{thingy}/{BluezMockServer.Paths.ThingyConfig}", "WriteValue"), 1, "start after bluetoothd restart");
        await _bluez.NotifyAsync($"{thingy}/{BluezMockServer.Paths.ThingyRawMotion}", [.. Enumerable.Range(0, 3).Select(BleTestKit.ThingyMotion)]);
        var feed = new BrokerFeed(probe);
        await feed.CollectUntilAsync(f => f.SampleCount("thingy-1") >= 3);
        await host.StopAsync();

        Assert.Equal([0, 1, 2], feed.ThingyCounts("thingy-1"));
    }
}
