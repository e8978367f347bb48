using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.LoadHarness;

/// <summary>
/// The raw-broker baseline's receiver: a plain QoS 1 subscriber to every sample topic, no pipeline. It
/// decodes each batch (as any consumer must), records last-sample→arrival latency, and counts batches
/// received, missing and duplicated per sensor.
/// </summary>
public sealed class RawSubscriber : IAsyncDisposable
{
    private readonly MqttConnectionRunner _runner;
    private readonly ImuSample[] _buffer = new ImuSample[SampleBatchCodec.MaxSamples];
    private readonly SequenceSet[] _sequences;
    private readonly long _measureFromUs;
    private long _batches;
    private long _samples;
    private long _duplicates;
    private long _invalid;

    public RawSubscriber(BrokerUnderTest broker, int sensors, long measureFromUs)
    {
        _sequences = [.. Enumerable.Range(0, sensors).Select(_ => new SequenceSet())];
        _measureFromUs = measureFromUs;
        // With mosquitto a clean-start subscriber received ~2 % of the rate, so it gets a persistent session there,
        // expiring as soon as the baseline ends. MQTTnet's server keeps queuing for a departed persistent session
        // (up to its per-client bound), which would burden the pipeline phase: clean start there.
        var options = broker.ConnectionOptions(MosquittoServer.ServiceUser);
        options.SessionExpiry = TimeSpan.FromSeconds(1);
        var persistent = broker.Kind == BrokerKind.Mosquitto;
        _runner = new MqttConnectionRunner(new MqttConnection(options, new MqttConnectionSetup
        {
            ClientName = "raw-subscriber",
            PersistentSession = persistent,
            Subscriptions = [(Topics.AllSamples(BrokerUnderTest.Site), MqttQualityOfServiceLevel.AtLeastOnce)],
            OnMessage = Handle,
        }, NullLogger.Instance, Clock.Time));
    }

    public LatencyHistogram Latency { get; } = new();

    public long Batches => Interlocked.Read(ref _batches);

    public long Samples => Interlocked.Read(ref _samples);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Invalid => Interlocked.Read(ref _invalid);

    /// <summary>Batches never received, given how many each sensor published.</summary>
    public long Missing(IReadOnlyList<SimulatedSensor> sensors) =>
        sensors.Sum(s => s.NextSequence - (long)_sequences[s.Index].Count);

    public Task ConnectAsync(CancellationToken cancellationToken) => _runner.StartAsync(cancellationToken);

    private ValueTask Handle(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var arrivalUs = Clock.NowUs();
        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (!Topics.TryParse(topic, out var address, out _) || SimulatedSensor.IndexOf(address.EntityId) is not (var index and >= 0) ||
            index >= _sequences.Length || !SampleBatchCodec.TryDecode(bytes, _buffer, out var header, out _))
        {
            Interlocked.Increment(ref _invalid);
            return ValueTask.CompletedTask;
        }

        bool added;
        lock (_sequences[index])
        {
            added = _sequences[index].Add(header.Sequence);
        }

        if (!added)
        {
            Interlocked.Increment(ref _duplicates);
            return ValueTask.CompletedTask;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _samples, header.Count);
        var lastUs = _buffer[header.Count - 1].TimestampUs;
        if (lastUs >= _measureFromUs)
        {
            Latency.Record((arrivalUs - lastUs) / 1000.0);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _runner.DisposeAsync();

    /// <summary>Which sequence numbers of one sensor arrived: a growable bit set.</summary>
    private sealed class SequenceSet
    {
        private ulong[] _bits = new ulong[16];

        public int Count { get; private set; }

        public bool Add(uint sequence)
        {
            var word = (int)(sequence / 64);
            if (word >= _bits.Length)
            {
                Array.Resize(ref _bits, Math.Max(word + 1, _bits.Length * 2));
            }

            var mask = 1UL << (int)(sequence % 64);
            if ((_bits[word] & mask) != 0)
            {
                return false;
            }

            _bits[word] |= mask;
            Count++;
            return true;
        }
    }
}
