using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Movement.LoadHarness;

/// <summary>
/// Reads the components' own MQTT meters (movement.mqtt.messages_received, tagged by client) in-process, so
/// the harness can tell how many sample batches the classifier took without touching its internals, and
/// the embedded broker's drop counter.
/// </summary>
public sealed class ClientMeters : IDisposable
{
    private const string ReceivedInstrument = "movement.mqtt.messages_received";
    private const string BrokerDroppedInstrument = "movement.broker.messages_dropped";
    private readonly ConcurrentDictionary<string, Tally> _received = new(StringComparer.Ordinal);
    private readonly Tally _brokerDropped = new();
    private readonly MeterListener _listener = new();

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
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, state) =>
        {
            if (state is Tally box)
            {
                Interlocked.Add(ref box.Value, value);
            }
        });
        _listener.Start();
    }

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
