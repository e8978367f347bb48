using Microsoft.Extensions.Hosting;
using Movement.Gateway.Simulation;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Simulation;

/// <summary>Simulated sensors go through the vendors' bytes, decoders and the durable publisher to a real broker.</summary>
[Trait("Category", "Integration")]
public sealed class SimulatorTests : IAsyncLifetime
{
    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private EmbeddedBrokerServer _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedBrokerServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    [Theory]
    [InlineData("Thingy52", true, "simulated-thingy52")]
    [InlineData("PolarPmd", false, "simulated-polar-pmd")]
    public async Task Simulator_Enabled_PublishesDecodedBatchesStatusAndSteps(string kind, bool hasGyro, string kindName)
    {
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "sim-sub-" + kind.ToLowerInvariant(),
            [Topics.AllSamples("site-1"), Topics.AllSensorStatus("site-1"), Topics.AllSteps("site-1")]);
        var settings = GatewayHost.Settings(_broker.Port, _queueDirectory);
        settings["Movement:Gateway:Simulator:Enabled"] = "true";
        settings["Movement:Gateway:Simulator:Sensors"] = "2";
        settings["Movement:Gateway:Simulator:SampleRateHz"] = "50";
        settings["Movement:Gateway:Simulator:Kind"] = kind;
        settings["Movement:Gateway:Simulator:StepReportInterval"] = "00:00:01";
        using var host = GatewayHost.Build(settings);
        await host.StartAsync();

        var batches = new Dictionary<string, List<SampleBatch>>();
        var statuses = new List<SensorStatus>();
        var steps = 0;
        while (batches.Count < 2 || batches.Values.Any(b => b.Count < 5) || !statuses.Any(s => s.Connected) || steps < 2)
        {
            var (topic, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            Assert.True(Topics.TryParse(topic, out var address, out _));
            switch (address.Kind)
            {
                case TopicKind.SensorSamples:
                    Assert.True(SampleBatchCodec.TryDecode(payload, out var batch, out var error), error);
                    (batches.TryGetValue(address.EntityId, out var list) ? list : batches[address.EntityId] = []).Add(batch!);
                    break;
                case TopicKind.SensorStatus:
                    Assert.True(ProtocolJson.TryDecodeSensorStatus(payload, out var status, out _));
                    statuses.Add(status!);
                    break;
                case TopicKind.SensorSteps:
                    Assert.True(ProtocolJson.TryDecodeStepReading(payload, out _, out _));
                    steps++;
                    break;
            }
        }

        await host.StopAsync();

        Assert.Equal(["sim-01", "sim-02"], batches.Keys.Order()); // the default SensorIdPrefix
        foreach (var list in batches.Values)
        {
            var sequences = list.Select(b => b.Sequence).ToArray();
            Assert.Equal(Enumerable.Range(0, sequences.Length).Select(i => sequences[0] + (uint)i), sequences);
            var samples = list.SelectMany(b => b.Samples).ToArray();
            Assert.All(list, b => Assert.Equal(hasGyro, b.HasGyro));
            var meanMagnitude = samples.Average(s => Math.Sqrt((s.AccelX * s.AccelX) + (s.AccelY * s.AccelY) + (s.AccelZ * s.AccelZ)));
            Assert.InRange(meanMagnitude, 7, 13); // gravity dominates a shank sensor's specific force
            Assert.True(samples.Zip(samples.Skip(1)).All(p => p.Second.TimestampUs >= p.First.TimestampUs));
        }

        Assert.All(statuses, s => Assert.Equal(kindName, s.Kind));
        // A status may go out before the simulated link is up; once up, the sensor reports connected with a battery.
        Assert.Contains(statuses, s => s.Connected && s.BatteryPct is > 0 and <= 100);
    }

    [Fact]
    public async Task Simulator_ThighSensors_FirstPeopleAlsoStreamAThighSensorOnTheSameClock()
    {
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "sim-sub-thigh",
            [Topics.AllSamples("site-1"), Topics.AllSensorStatus("site-1")]);
        var settings = GatewayHost.Settings(_broker.Port, _queueDirectory);
        settings["Movement:Gateway:Simulator:Enabled"] = "true";
        settings["Movement:Gateway:Simulator:Sensors"] = "2";
        settings["Movement:Gateway:Simulator:ThighSensors"] = "1";
        settings["Movement:Gateway:Simulator:SensorIdPrefix"] = "knee-"; // the ids come from configuration
        using var host = GatewayHost.Build(settings);
        await host.StartAsync();

        var samples = new Dictionary<string, List<ImuSample>>();
        var connected = new HashSet<string>();
        while (samples.Count < 3 || samples.Values.Any(s => s.Count < 100) || connected.Count < 3)
        {
            var (topic, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            Assert.True(Topics.TryParse(topic, out var address, out _));
            if (address.Kind == TopicKind.SensorSamples)
            {
                Assert.True(SampleBatchCodec.TryDecode(payload, out var batch, out var error), error);
                (samples.TryGetValue(address.EntityId, out var list) ? list : samples[address.EntityId] = []).AddRange(batch!.Samples);
            }
            else if (address.Kind == TopicKind.SensorStatus && ProtocolJson.TryDecodeSensorStatus(payload, out var status, out _) && status!.Connected)
            {
                connected.Add(status.Sensor);
            }
        }

        await host.StopAsync();

        Assert.Equal(["knee-01", "knee-01-thigh", "knee-02"], samples.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["knee-01", "knee-01-thigh", "knee-02"], connected.Order(StringComparer.Ordinal));
        var (shank, thigh) = (samples["knee-01"], samples["knee-01-thigh"]);
        // One person, one clock: both sensors start with the session (within a sample period and the sensors' clock offsets).
        Assert.InRange(Math.Abs(thigh[0].TimestampUs - shank[0].TimestampUs), 0, 100_000);
        // Its own sensor, not a copy of the shank's samples.
        Assert.NotEqual(shank.Take(100).Select(s => s.AccelX), thigh.Take(100).Select(s => s.AccelX));
    }

    [Fact]
    public async Task Simulator_MoreThighSensorsThanPeople_RefusedAtStart()
    {
        var settings = GatewayHost.Settings(_broker.Port, _queueDirectory);
        settings["Movement:Gateway:Simulator:Enabled"] = "true";
        settings["Movement:Gateway:Simulator:Sensors"] = "2";
        settings["Movement:Gateway:Simulator:ThighSensors"] = "3";
        using var host = GatewayHost.Build(settings);
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ThighSensors (3) is more than Sensors (2)", error.Message, StringComparison.Ordinal);
    }
}
