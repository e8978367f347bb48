using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Movement.LoadHarness;

/// <summary>
/// Reads the components' own MQTT meters (movement.mqtt.messages_received, tagged by client) in-process, so
/// the harness can tell how many sample batches the classifier took without touching its internals, the
/// embedded broker's drop counter, and the classifier's own share of a rep event's latency.
/// </summary>
public sealed class ClientMeters : IDisposable
{
    private const string ReceivedInstrument = "movement.mqtt.messages_received";
    private const string BrokerDroppedInstrument = "movement.broker.messages_dropped";
    private const string RepLatencyInstrument = "movement.classifier.rep_latency";
    private readonly ConcurrentDictionary<string, Tally> _received = new(StringComparer.Ordinal);
    private readonly Tally _brokerDropped = new();
    private readonly MeterListener _listener = new();
    private long _repLatencyFromUs = long.MaxValue;

    public ClientMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == ReceivedInstrument && instrument.Tags?.FirstOrDefault(t => t.Key == "client").Value is string client)
            {
                listener.EnableMeasurementEvents(instrument, _received.GetOrAdd(client, _ => new Tally()));
            }
            else if (instrument.Name == BrokerDroppedInstrument)
            {
                listener.EnableMeasurementEvents(instrument, _brokerDropped);
            }
            else if (instrument.Name == RepLatencyInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, state) =>
        {
            if (state is Tally box)
            {
                Interlocked.Add(ref box.Value, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) =>
        {
            if (Clock.NowUs() >= Interlocked.Read(ref _repLatencyFromUs))
            {
                ClassifierRepLatency.Record(milliseconds);
            }
        });
        _listener.Start();
    }

    /// <summary>
    /// The classifier's <c>movement.classifier.rep_latency</c>: a rep's last sample to its event queued for publishing,
    /// from <see cref="MeasureRepLatencyFrom"/> on. The rest of a rep event's latency is the broker and the subscriber.
    /// </summary>
    public LatencyHistogram ClassifierRepLatency { get; } = new();

    /// <summary>Starts recording <see cref="ClassifierRepLatency"/> at this harness time (the end of the warm-up).</summary>
    public void MeasureRepLatencyFrom(long fromUs) => Interlocked.Exchange(ref _repLatencyFromUs, fromUs);

    /// <summary>Messages the named client has received so far (0 before it exists).</summary>
    public long Received(string client) => _received.TryGetValue(client, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Messages the embedded broker dropped because a subscriber's queue was full.</summary>
    public long BrokerDropped => Interlocked.Read(ref _brokerDropped.Value);

    public void Dispose() => _listener.Dispose();

    private sealed class Tally
    {
        public long Value;
    }
}
