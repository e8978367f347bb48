using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Bluetooth;

/// <summary>
/// One gateway with two adapters in the BlueZ mock, one link each: three sensors in sight of both, so two stream (one
/// per adapter) and the third is reported "no radio slot"; a dropped link hands its slot to the waiting sensor.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlueZAdaptersTests : IAsyncLifetime
{
    private static readonly (string Address, string SensorId)[] Thingies =
        [("C0:FF:EE:00:01:01", "thingy-1"), ("C0:FF:EE:00:01:02", "thingy-2"), ("C0:FF:EE:00:01:03", "thingy-3")];

    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private BluezMockServer _bluez = null!;
    private EmbeddedBrokerServer _broker = null!;

    public async Task InitializeAsync()
    {
        _bluez = await BluezMockServer.StartAsync("hci0");
        await _bluez.AddAdapterAsync("hci1");
        _broker = await EmbeddedBrokerServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bluez.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    [Fact]
    public async Task Gateway_ThreeSensorsTwoAdaptersOneLinkEach_OneReportedNoRadioSlotUntilALinkDrops()
    {
        foreach (var (address, id) in Thingies)
        {
            await _bluez.AddDeviceAsync("hci0", address, id, "thingy52");
            await _bluez.AddDeviceAsync("hci1", address, id, "thingy52");
        }

        var settings = BleTestKit.Settings(_broker.Port, _queueDirectory, _bluez, thingies: Thingies);
        settings["Movement:Gateway:Bluetooth:Adapters:0"] = "hci0";
        settings["Movement:Gateway:Bluetooth:Adapters:1"] = "hci1";
        settings["Movement:Gateway:Bluetooth:LinksPerAdapter"] = "1";
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "adapters-sub",
            [Topics.AllSamples("site-1"), Topics.AllSensorStatus("site-1")]);
        var feed = new BrokerFeed(probe);
        using var host = GatewayHost.Build(settings);
        await host.StartAsync();

        // Two stream, one through each adapter; the third is in sight and reported as waiting for a slot.
        await feed.CollectUntilAsync(f => Thingies.Count(t => f.Latest(t.SensorId)?.Connected == true) == 2
            && Thingies.Any(t => f.Latest(t.SensorId)?.NoRadioSlot == true));
        var linked = Thingies.Where(t => feed.Latest(t.SensorId)!.Connected).ToArray();
        var waiting = Assert.Single(Thingies, t => feed.Latest(t.SensorId)!.NoRadioSlot == true);
        Assert.Equal(["hci0", "hci1"], linked.Select(t => feed.Latest(t.SensorId)!.Adapter).Order());
        Assert.False(feed.Latest(waiting.SensorId)!.Connected);
        foreach (var adapter in new[] { "hci0", "hci1" })
        {
            Assert.Empty(await _bluez.GetMethodCallsAsync(BlueZPath(adapter, waiting.Address), "Connect"));
        }

        // The first linked sensor's link drops: its slot goes to the waiting sensor, which connects through that adapter.
        var dropped = linked[0];
        var freedAdapter = feed.Latest(dropped.SensorId)!.Adapter!;
        await _bluez.SetDeviceLinkAsync(BlueZPath(freedAdapter, dropped.Address), connected: false);
        await feed.CollectUntilAsync(f => f.Latest(waiting.SensorId) is { Connected: true });
        Assert.Equal(freedAdapter, feed.Latest(waiting.SensorId)!.Adapter);
        Assert.Null(feed.Latest(waiting.SensorId)!.NoRadioSlot);

        // Its samples flow; the sensor that dropped now waits for a slot in turn (it is in sight, every slot is taken).
        await _bluez.NotifyAsync($"{BlueZPath(freedAdapter, waiting.Address)}/{BluezMockServer.Paths.ThingyRawMotion}",
            [.. Enumerable.Range(0, 3).Select(BleTestKit.ThingyMotion)]);
        await feed.CollectUntilAsync(f => f.SampleCount(waiting.SensorId) >= 3 && f.Latest(dropped.SensorId)?.NoRadioSlot == true);
        await host.StopAsync();

        Assert.Equal([0, 1, 2], feed.ThingyCounts(waiting.SensorId));
        Assert.False(feed.Latest(dropped.SensorId)!.Connected);
    }

    private static string BlueZPath(string adapter, string address) => $"/org/bluez/{adapter}/dev_{address.Replace(':', '_')}";
}
