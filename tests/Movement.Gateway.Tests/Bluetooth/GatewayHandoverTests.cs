using Microsoft.Extensions.Hosting;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Bluetooth;

/// <summary>
/// Two gateways of one site (each with its own BlueZ, as on two boxes) against one broker, both in sight of the same
/// sensors: each sensor is connected by exactly one of them (claims), and a sensor that leaves the holder's range is
/// taken over by the other.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GatewayHandoverTests : IAsyncLifetime
{
    private static readonly (string Address, string SensorId)[] Thingies = [("C0:FF:EE:00:02:01", "thingy-1"), ("C0:FF:EE:00:02:02", "thingy-2")];
    private static readonly string[] GatewayIds = ["gw-a", "gw-b"];

    private readonly string[] _queueDirectories = [GatewayHost.TempDirectory(), GatewayHost.TempDirectory()];
    private readonly BluezMockServer[] _bluez = new BluezMockServer[2];
    private EmbeddedBrokerServer _broker = null!;

    public async Task InitializeAsync()
    {
        _bluez[0] = await BluezMockServer.StartAsync();
        _bluez[1] = await BluezMockServer.StartAsync();
        _broker = await EmbeddedBrokerServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var bluez in _bluez)
        {
            await bluez.DisposeAsync();
        }

        await _broker.DisposeAsync();
        foreach (var directory in _queueDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TwoGateways_SameSensorsInSight_EachSensorStreamedByExactlyOneAndHandedOverWhenItLeavesRange()
    {
        // Each gateway's radio sees both sensors; values from gateway b's radio are offset by 100 so the source shows.
        var paths = new string[2, 2];
        for (var g = 0; g < 2; g++)
        {
            for (var t = 0; t < Thingies.Length; t++)
            {
                paths[g, t] = await _bluez[g].AddDeviceAsync("hci0", Thingies[t].Address, Thingies[t].SensorId, "thingy52");
            }
        }

        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "handover-sub",
            [Topics.AllSamples("site-1"), Topics.AllSensorStatus("site-1")]);
        var feed = new BrokerFeed(probe);
        using var a = GatewayHost.Build(BleTestKit.Settings(_broker.Port, _queueDirectories[0], _bluez[0], GatewayIds[0], Thingies));
        using var b = GatewayHost.Build(BleTestKit.Settings(_broker.Port, _queueDirectories[1], _bluez[1], GatewayIds[1], Thingies));
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        await feed.CollectUntilAsync(f => Thingies.All(t => f.Latest(t.SensorId)?.Connected == true));
        var holders = Thingies.Select(t => Array.IndexOf(GatewayIds, feed.Latest(t.SensorId)!.Gateway)).ToArray();
        // Only the holder's radio was ever asked to connect each sensor (the other yielded before connecting).
        for (var t = 0; t < Thingies.Length; t++)
        {
            Assert.NotEmpty(await _bluez[holders[t]].GetMethodCallsAsync(paths[holders[t], t], "Connect"));
            Assert.Empty(await _bluez[1 - holders[t]].GetMethodCallsAsync(paths[1 - holders[t], t], "Connect"));
        }

        // Both radios deliver notifications; only the holder's reach the broker.
        for (var g = 0; g < 2; g++)
        {
            for (var t = 0; t < Thingies.Length; t++)
            {
                await _bluez[g].NotifyAsync($"{paths[g, t]}/{BluezMockServer.Paths.ThingyRawMotion}", [.. Enumerable.Range(100 * g, 3).Select(BleTestKit.ThingyMotion)]);
            }
        }

        // A marker from the holder after the others: samples keep their order per sensor, so a duplicate would show before it.
        for (var t = 0; t < Thingies.Length; t++)
        {
            await _bluez[holders[t]].NotifyAsync($"{paths[holders[t], t]}/{BluezMockServer.Paths.ThingyRawMotion}", [BleTestKit.ThingyMotion(100 * holders[t] + 50)]);
        }

        await feed.CollectUntilAsync(f => Thingies.Select((s, t) => f.ThingyCounts(s.SensorId).Contains(100 * holders[t] + 50)).All(x => x));
        for (var t = 0; t < Thingies.Length; t++)
        {
            var offset = 100 * holders[t];
            Assert.Equal([offset, offset + 1, offset + 2, offset + 50], feed.ThingyCounts(Thingies[t].SensorId));
        }

        // thingy-1 leaves its holder's range: the link drops and the device object goes. The holder releases its
        // claim; the other gateway, which still sees the sensor, takes it over.
        var from = holders[0];
        var to = 1 - from;
        await _bluez[from].SetDeviceLinkAsync(paths[from, 0], connected: false);
        await _bluez[from].RemoveDeviceAsync(paths[from, 0]);
        await feed.CollectUntilAsync(f => f.Latest("thingy-1") is { Connected: true } status && status.Gateway == GatewayIds[to]);
        await _bluez[to].NotifyAsync($"{paths[to, 0]}/{BluezMockServer.Paths.ThingyRawMotion}", [BleTestKit.ThingyMotion(100 * to + 70)]);
        await feed.CollectUntilAsync(f => f.ThingyCounts("thingy-1").Contains(100 * to + 70));
        await Task.WhenAll(a.StopAsync(), b.StopAsync());

        Assert.Equal(100 * to + 70, feed.ThingyCounts("thingy-1")[^1]);
        Assert.Contains(feed.Statuses, s => s.Sensor == "thingy-1" && !s.Connected && s.Gateway == GatewayIds[from]);
        // thingy-2 stayed with its holder throughout.
        Assert.All(feed.Statuses.Where(s => s.Sensor == "thingy-2" && s.Connected), s => Assert.Equal(GatewayIds[holders[1]], s.Gateway));
    }

    [Fact]
    public async Task Gateway_SensorClaimedByALiveGateway_LeavesItUntilThatGatewayIsReportedOffline()
    {
        var claimed = await _bluez[0].AddDeviceAsync("hci0", Thingies[0].Address, Thingies[0].SensorId, "thingy52");
        await _bluez[0].AddDeviceAsync("hci0", Thingies[1].Address, Thingies[1].SensorId, "thingy52");
        // Another gateway (here a test client) is online and holds thingy-1 with a claim that would live ten minutes.
        await using var other = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "gw-z");
        var now = DateTimeOffset.UtcNow;
        await other.Connection.PublishAsync(Topics.GatewayAvailability("site-1", "gw-z"), System.Text.Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Online), retain: true, CancellationToken.None);
        await other.Connection.PublishAsync(Topics.SensorClaim("site-1", "thingy-1"),
            ProtocolJson.Encode(new SensorClaim { Sensor = "thingy-1", Gateway = "gw-z", Since = now, Time = now, TtlS = 600 }), retain: true, CancellationToken.None);
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "will-sub", [Topics.AllSensorStatus("site-1")]);
        var feed = new BrokerFeed(probe);
        using var host = GatewayHost.Build(BleTestKit.Settings(_broker.Port, _queueDirectories[0], _bluez[0], GatewayIds[0], Thingies));
        await host.StartAsync();

        // thingy-2 is free and gets connected: by then the gateway has listened and decided about thingy-1 too.
        await feed.CollectUntilAsync(f => f.Latest("thingy-2") is { Connected: true });
        Assert.Empty(await _bluez[0].GetMethodCallsAsync(claimed, "Connect"));
        Assert.DoesNotContain(feed.Statuses, s => s.Sensor == "thingy-1");

        // gw-z dies: the broker publishes its last will (availability offline); its claim lapses at once, not after ten minutes.
        await other.Connection.PublishAsync(Topics.GatewayAvailability("site-1", "gw-z"), System.Text.Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Offline), retain: true, CancellationToken.None);
        await feed.CollectUntilAsync(f => f.Latest("thingy-1") is { Connected: true });
        await host.StopAsync();

        Assert.Equal(GatewayIds[0], feed.Latest("thingy-1")!.Gateway);
        Assert.NotEmpty(await _bluez[0].GetMethodCallsAsync(claimed, "Connect"));
    }
}
