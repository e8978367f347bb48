using System.Buffers.Binary;
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
        var settings = GatewayHost.Settings(_broker.Port, _queueDirectory);
        settings["Movement:Gateway:Bluetooth:Enabled"] = "true";
        settings["Movement:Gateway:Bluetooth:BusAddress"] = _bluez.Address;
        settings["Movement:Gateway:Bluetooth:ReconnectDelayMin"] = "00:00:00.100";
        settings["Movement:Gateway:Bluetooth:ReconnectDelayMax"] = "00:00:00.500";
        settings["Movement:Gateway:Bluetooth:ServicesTimeout"] = "00:00:02";
        settings["Movement:Gateway:Bluetooth:ClaimRefreshInterval"] = "00:00:01";
        settings["Movement:Gateway:Bluetooth:ClaimTtl"] = "00:00:03";
        settings["Movement:Gateway:Bluetooth:ClaimSettleDelay"] = "00:00:00.100";
        settings["Movement:Gateway:Sensors:0:Address"] = ThingyAddress;
        settings["Movement:Gateway:Sensors:0:SensorId"] = "thingy-1";
        settings["Movement:Gateway:Sensors:0:Kind"] = "Thingy52";
        settings["Movement:Gateway:Sensors:0:SampleRateHz"] = "50";
        settings["Movement:Gateway:Sensors:1:Address"] = PolarAddress;
        settings["Movement:Gateway:Sensors:1:SensorId"] = "polar-1";
        settings["Movement:Gateway:Sensors:1:Kind"] = "PolarPmd";
        settings["Movement:Gateway:Sensors:1:SampleRateHz"] = "52";
        settings["Movement:Gateway:Sensors:1:Placement"] = "Thigh";
        settings["Movement:Gateway:Sensors:1:Side"] = "Left";
        return settings;
    }

    /// <summary>Raw motion with accel x = <paramref name="i"/> × 16 counts (a value we can recognise after decoding).</summary>
    private static byte[] ThingyMotion(int i)
    {
        var bytes = new byte[18];
        BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)(i * 16));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(4), 1024);
        return bytes;
    }

    private static async Task WaitForCallsAsync(Func<Task<IReadOnlyList<string>>> calls, int count, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await calls()).Count < count)
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"{what}: fewer than {count} calls");
            }

            await Task.Delay(100);
        }
    }

    private readonly List<SensorStatus> _statuses = [];

    /// <summary>Collects decoded batches per sensor (and statuses) until <paramref name="done"/> holds.</summary>
    private async Task<Dictionary<string, List<SampleBatch>>> CollectAsync(MqttProbe probe, Dictionary<string, List<SampleBatch>> batches,
        Func<Dictionary<string, List<SampleBatch>>, bool> done)
    {
        while (!done(batches))
        {
            var (topic, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            Assert.True(Topics.TryParse(topic, out var address, out _));
            if (address.Kind == TopicKind.SensorStatus)
            {
                Assert.True(ProtocolJson.TryDecodeSensorStatus(payload, out var status, out _));
                _statuses.Add(status!);
                continue;
            }

            if (address.Kind != TopicKind.SensorSamples)
            {
                continue;
            }

            Assert.True(SampleBatchCodec.TryDecode(payload, out var batch, out var error), error);
            if (!batches.TryGetValue(address.EntityId, out var list))
            {
                batches[address.EntityId] = list = [];
            }

            list.Add(batch!);
        }

        return batches;
    }

    /// <summary>The Thingy samples received, as the counts <see cref="ThingyMotion"/> put in accel x.</summary>
    private static int[] ThingyCounts(Dictionary<string, List<SampleBatch>> batches) =>
        batches.TryGetValue("thingy-1", out var list) ? [.. list.SelectMany(b => b.Samples).Select(s => (int)MathF.Round(s.AccelX / 9.80665f * 1024 / 16))] : [];

    private static int SampleCount(Dictionary<string, List<SampleBatch>> batches, string sensor) =>
        batches.TryGetValue(sensor, out var list) ? list.Sum(b => b.Samples.Length) : 0;

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
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingyConfig, "WriteValue"), 1, "thingy config write");
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(polarControl, "WriteValue"), 1, "polar start write");
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
        await _bluez.NotifyAsync(thingyMotion, [.. Enumerable.Range(0, 5).Select(ThingyMotion)]);
        await _bluez.NotifyAsync(polarData, Convert.FromHexString("026500000000000000" + "81F1FF1400F00306017B0F08"));
        var batches = await CollectAsync(probe, [], b => SampleCount(b, "thingy-1") >= 5 && SampleCount(b, "polar-1") >= 2);

        var polarSamples = batches["polar-1"].SelectMany(b => b.Samples).ToArray();
        Assert.Equal(2, polarSamples.Length);
        Assert.Equal(1008 * 9.80665f / 1000, polarSamples[1].AccelZ, 3);
        Assert.Equal(-20 * 9.80665f / 1000, polarSamples[1].AccelX, 3);

        // The Thingy drops its link; the gateway reconnects and re-runs the start sequence.
        await _bluez.SetDeviceLinkAsync(thingy, connected: false);
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingy, "Connect"), 2, "thingy reconnect");
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(thingyConfig, "WriteValue"), 2, "thingy config rewrite");
        await _bluez.NotifyAsync(thingyMotion, [.. Enumerable.Range(5, 5).Select(ThingyMotion)]);
        await CollectAsync(probe, batches, b => SampleCount(b, "thingy-1") >= 10);
        // One more notification as a marker: the sensor's samples keep their order to the broker, so a notification
        // handled twice would show before the marker; no waiting for duplicates that might still come.
        await _bluez.NotifyAsync(thingyMotion, [ThingyMotion(10)]);
        await CollectAsync(probe, batches, b => ThingyCounts(b).Contains(10));
        // The statuses travel apart from the samples: wait for the ones asserted below.
        await CollectAsync(probe, batches, _ => _statuses.Any(s => s.Sensor == "thingy-1" && !s.Connected) && _statuses.Any(s => s.Sensor == "polar-1" && s.Connected));
        await host.StopAsync();

        // Every Thingy sample exactly once, in order, across the reconnect (one PropertiesChanged match, not two).
        Assert.Equal(Enumerable.Range(0, 11), ThingyCounts(batches));
        var sequences = batches["thingy-1"].Select(b => b.Sequence).ToArray();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
        Assert.True(batches["thingy-1"].All(b => b.HasGyro));

        // Link and battery (Battery1.Percentage) in the retained status, including the drop.
        Assert.Contains(_statuses, s => s.Sensor == "thingy-1" && s.Connected && s.BatteryPct == 87 && s.Kind == "thingy52");
        Assert.Contains(_statuses, s => s.Sensor == "thingy-1" && !s.Connected);
        Assert.Contains(_statuses, s => s.Sensor == "polar-1" && s.Connected && s.Placement == Placement.Thigh && s.Side == Side.Left);
    }

    [Fact]
    public async Task Gateway_BluetoothdRestarts_RediscoversAndRestartsSensor()
    {
        var thingy = await _bluez.AddDeviceAsync("hci0", ThingyAddress, "Thingy", "thingy52");
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "ble-restart-sub", [Topics.AllSamples("site-1")]);
        using var host = GatewayHost.Build(Settings());
        await host.StartAsync();
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync($"{thingy}/{BluezMockServer.Paths.ThingyConfig}", "WriteValue"), 1, "first start");

        // bluetoothd goes away (NameOwnerChanged, every object gone) and comes back with the device.
        await _bluez.StopBluezAsync();
        await _bluez.StartBluezAsync();
        thingy = await _bluez.AddDeviceAsync("hci0", ThingyAddress, "Thingy", "thingy52");
        await WaitForCallsAsync(() => _bluez.GetMethodCallsAsync($"{thingy}/{BluezMockServer.Paths.ThingyConfig}", "WriteValue"), 1, "start after bluetoothd restart");
        await _bluez.NotifyAsync($"{thingy}/{BluezMockServer.Paths.ThingyRawMotion}", [.. Enumerable.Range(0, 3).Select(ThingyMotion)]);
        var batches = await CollectAsync(probe, [], b => SampleCount(b, "thingy-1") >= 3);
        await host.StopAsync();

        Assert.Equal([0, 1, 2], ThingyCounts(batches));
    }
}
