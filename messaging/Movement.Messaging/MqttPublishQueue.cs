using System.Threading.Channels;

namespace Movement.Messaging;

/// <summary>
/// An in-memory, ordered queue of outgoing messages drained by one loop. A message handler enqueues and returns,
/// so it never waits for the broker's PUBACK of its own publishes: with a broker that answers strictly in order
/// (mosquitto) that wait sits behind the inbound messages still being handled and times the connection out.
/// While the broker is unreachable messages wait here and go out, in order, after the reconnect. The bound gives
/// back-pressure (enqueue waits) instead of loss.
/// </summary>
public sealed class MqttPublishQueue(MqttConnection connection, int capacity = 100_000)
{
    private readonly Channel<(string Topic, byte[] Payload, bool Retain)> _queue =
        Channel.CreateBounded<(string, byte[], bool)>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public int Count => _queue.Reader.Count;

    public ValueTask EnqueueAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync((topic, payload, retain), cancellationToken);

    /// <summary>Publishes queued messages in order until cancelled; each goes through <see cref="MqttConnection.PublishUntilDeliveredAsync"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var (topic, payload, retain) in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await connection.PublishUntilDeliveredAsync(topic, payload, retain, cancellationToken).ConfigureAwait(false);
        }
    }
}
