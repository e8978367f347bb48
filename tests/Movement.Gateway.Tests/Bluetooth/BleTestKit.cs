using System.Buffers.Binary;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Bluetooth;

/// <summary>What the BLE tests share: gateway settings for the BlueZ mock, recognisable Thingy frames, waiting on the mock's call log.</summary>
internal static class BleTestKit
{
    /// <summary>The gateway host's settings with BLE on <paramref name="bluez"/>, short timings, and Thingy:52 sensors at 50 Hz.</summary>
    public static Dictionary<string, string?> Settings(int brokerPort, string queueDirectory, BluezMockServer bluez, string gatewayId = "gw-test",
        params (string Address, string SensorId)[] thingies)
    {
        var settings = GatewayHost.Settings(brokerPort, queueDirectory);
        settings["Movement:Gateway:GatewayId"] = gatewayId;
        settings["Movement:Gateway:Bluetooth:Enabled"] = "true";
        settings["Movement:Gateway:Bluetooth:BusAddress"] = bluez.Address;
        settings["Movement:Gateway:Bluetooth:ReconnectDelayMin"] = "00:00:00.100";
        settings["Movement:Gateway:Bluetooth:ReconnectDelayMax"] = "00:00:00.500";
        settings["Movement:Gateway:Bluetooth:ServicesTimeout"] = "00:00:02";
        settings["Movement:Gateway:Bluetooth:ClaimRefreshInterval"] = "00:00:01";
        settings["Movement:Gateway:Bluetooth:ClaimTtl"] = "00:00:03";
        settings["Movement:Gateway:Bluetooth:ClaimSettleDelay"] = "00:00:00.500";
        for (var i = 0; i < thingies.Length; i++)
        {
            settings[$"Movement:Gateway:Sensors:{i}:Address"] = thingies[i].Address;
            settings[$"Movement:Gateway:Sensors:{i}:SensorId"] = thingies[i].SensorId;
            settings[$"Movement:Gateway:Sensors:{i}:Kind"] = "Thingy52";
            settings[$"Movement:Gateway:Sensors:{i}:SampleRateHz"] = "50";
        }

        return settings;
    }

    /// <summary>Raw motion with accel x = <paramref name="i"/> × 16 counts (a value we can recognise after decoding).</summary>
    public static byte[] ThingyMotion(int i)
    {
        var bytes = new byte[18];
        BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)(i * 16));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(4), 1024);
        return bytes;
    }

    public static async Task WaitForCallsAsync(Func<Task<IReadOnlyList<string>>> calls, int count, string what)
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
}

/// <summary>Sample batches (per sensor) and statuses as a subscriber of the broker receives them.</summary>
internal sealed class BrokerFeed(MqttProbe probe)
{
    public Dictionary<string, List<SampleBatch>> Batches { get; } = new(StringComparer.Ordinal);

    public List<SensorStatus> Statuses { get; } = [];

    /// <summary>Reads messages until <paramref name="done"/> holds (30 s at most between two messages).</summary>
    public async Task CollectUntilAsync(Func<BrokerFeed, bool> done)
    {
        while (!done(this))
        {
            var (topic, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            Assert.True(Topics.TryParse(topic, out var address, out _));
            if (address.Kind == TopicKind.SensorStatus)
            {
                Assert.True(ProtocolJson.TryDecodeSensorStatus(payload, out var status, out _));
                Statuses.Add(status!);
            }
            else if (address.Kind == TopicKind.SensorSamples)
            {
                Assert.True(SampleBatchCodec.TryDecode(payload, out var batch, out var error), error);
                (Batches.TryGetValue(address.EntityId, out var list) ? list : Batches[address.EntityId] = []).Add(batch!);
            }
        }
    }

    public int SampleCount(string sensor) => Batches.TryGetValue(sensor, out var list) ? list.Sum(b => b.Samples.Length) : 0;

    /// <summary>The Thingy samples received, as the counts <see cref="BleTestKit.ThingyMotion"/> put in accel x.</summary>
    public int[] ThingyCounts(string sensor) =>
        Batches.TryGetValue(sensor, out var list) ? [.. list.SelectMany(b => b.Samples).Select(s => (int)MathF.Round(s.AccelX / 9.80665f * 1024 / 16))] : [];

    /// <summary>The latest status of <paramref name="sensor"/> received.</summary>
    public SensorStatus? Latest(string sensor) => Statuses.LastOrDefault(s => s.Sensor == sensor);
}
