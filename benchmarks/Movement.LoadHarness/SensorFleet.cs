using Microsoft.Extensions.Logging.Abstractions;
using Movement.Benchmarks.Motion;
using Movement.Messaging;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.LoadHarness;

/// <summary>One simulated 100 Hz sensor and the participant wearing it. Its motion plan is the ground truth.</summary>
public sealed class SimulatedSensor(int index)
{
    public const int SampleRateHz = 100;
    private const long PeriodUs = 1_000_000 / SampleRateHz;

    public int Index { get; } = index;

    public string SensorId { get; } = SensorIdOf(index);

    public string ParticipantId { get; } = $"p-{index + 1:D4}";

    public string Topic { get; } = Topics.SensorSamples(BrokerUnderTest.Site, SensorIdOf(index));

    /// <summary>Wall-clock time of the stream's first sample (motion time 0); set by <see cref="Start"/>.</summary>
    public long OriginUs { get; private set; }

    /// <summary>Seeded by index, so every phase and every run replays the same streams.</summary>
    public KneeExtensionMotion Motion { get; } = new(seed: 1000 + index);

    public long NextUs { get; private set; }

    public uint NextSequence { get; set; }

    /// <summary>Timestamp of the last sample produced so far.</summary>
    public long LastSampleUs => NextUs - PeriodUs;

    public void Start(long originUs)
    {
        OriginUs = originUs;
        NextUs = originUs;
    }

    public static string SensorIdOf(int index) => $"s-{index + 1:D4}";

    /// <summary>Sensor index from an id this fleet gave out, or -1.</summary>
    public static int IndexOf(string sensorId) =>
        sensorId.StartsWith("s-", StringComparison.Ordinal) && int.TryParse(sensorId.AsSpan(2), out var n) ? n - 1 : -1;

    /// <summary>The samples due before <paramref name="untilUs"/>, or null when none is due yet.</summary>
    public ImuSample[]? TakeUntil(long untilUs)
    {
        var count = (int)Math.Clamp((untilUs - NextUs + PeriodUs - 1) / PeriodUs, 0, SampleBatchCodec.MaxSamples);
        if (count == 0)
        {
            return null;
        }

        var samples = new ImuSample[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = Motion.Sample(NextUs, (NextUs - OriginUs) / 1e6);
            NextUs += PeriodUs;
        }

        return samples;
    }
}

/// <summary>
/// N simulated sensors behind gateways of <c>sensorsPerGateway</c> each. Every gateway has its own MQTT
/// connection (user "gateway", QoS 1 like the real gateway) and publishes a batch per sensor every 100 ms
/// (10 samples at 100 Hz), staggered across gateways as independent boxes would be.
/// </summary>
public sealed class SensorFleet : IAsyncDisposable
{
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);
    private readonly MqttConnectionRunner[] _gateways;
    private readonly SimulatedSensor[][] _sensorsByGateway;
    private long _publishedBatches;
    private long _publishedSamples;
    private long _publishFailures;

    public SensorFleet(BrokerUnderTest broker, int sensors, int sensorsPerGateway)
    {
        Sensors = [.. Enumerable.Range(0, sensors).Select(i => new SimulatedSensor(i))];
        _sensorsByGateway = [.. Sensors.Chunk(sensorsPerGateway)];
        _gateways = [.. _sensorsByGateway.Select((_, g) => new MqttConnectionRunner(new MqttConnection(
            broker.ConnectionOptions(MosquittoServer.GatewayUser),
            new MqttConnectionSetup { ClientName = $"gw-{g + 1:D3}" },
            NullLogger.Instance, Clock.Time)))];
    }

    public IReadOnlyList<SimulatedSensor> Sensors { get; }

    public long PublishedBatches => Interlocked.Read(ref _publishedBatches);

    public long PublishedSamples => Interlocked.Read(ref _publishedSamples);

    /// <summary>Publishes that failed (not connected or refused): each is a batch the broker never took.</summary>
    public long PublishFailures => Interlocked.Read(ref _publishFailures);

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.WhenAll(_gateways.Select(g => g.StartAsync(cancellationToken)));

    /// <summary>Streams start at <paramref name="originUs"/>; publishes until every sensor has sent its samples up to <paramref name="stopUs"/>.</summary>
    public Task RunAsync(long originUs, long stopUs, CancellationToken cancellationToken)
    {
        foreach (var sensor in Sensors)
        {
            sensor.Start(originUs);
        }

        return Task.WhenAll(_gateways.Select((gateway, g) => RunGatewayAsync(gateway.Connection, _sensorsByGateway[g], g, stopUs, cancellationToken)));
    }

    private async Task RunGatewayAsync(MqttConnection gateway, SimulatedSensor[] sensors, int index, long stopUs, CancellationToken cancellationToken)
    {
        await Task.Delay(BatchInterval * index / _gateways.Length, Clock.Time, cancellationToken);
        using var timer = new PeriodicTimer(BatchInterval, Clock.Time);
        var publishes = new Task[sensors.Length];
        var done = false;
        while (!done && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var untilUs = Math.Min(Clock.NowUs(), stopUs);
            done = untilUs >= stopUs;
            var count = 0;
            foreach (var sensor in sensors)
            {
                if (sensor.TakeUntil(untilUs) is { } samples)
                {
                    var batch = new SampleBatch(sensor.NextSequence++, SimulatedSensor.SampleRateHz, HasGyro: true, samples);
                    publishes[count++] = PublishAsync(gateway, sensor.Topic, SampleBatchCodec.Encode(batch), samples.Length, cancellationToken);
                }
            }

            await Task.WhenAll(publishes.AsSpan(0, count));
        }
    }

    private async Task PublishAsync(MqttConnection gateway, string topic, byte[] payload, int samples, CancellationToken cancellationToken)
    {
        try
        {
            await gateway.PublishAsync(topic, payload, retain: false, cancellationToken);
            Interlocked.Increment(ref _publishedBatches);
            Interlocked.Add(ref _publishedSamples, samples);
        }
        catch (Exception ex) when (ex is MqttNotConnectedException or MqttPublishRefusedException)
        {
            Interlocked.Increment(ref _publishFailures);
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_gateways.Select(g => g.DisposeAsync().AsTask()));
}
