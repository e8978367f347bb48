using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Protocol;
using Movement.Messaging;

namespace Movement.TestSupport;

/// <summary>A real MQTT client for tests: subscribes, collects what arrives, and publishes.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly Channel<(string Topic, byte[] Payload)> _received = Channel.CreateUnbounded<(string, byte[])>();
    private readonly MqttConnectionRunner _runner;

    private MqttProbe(MqttConnectionOptions options, string name, IReadOnlyList<string> subscriptions, bool persistent)
    {
        _runner = new MqttConnectionRunner(new MqttConnection(options, new MqttConnectionSetup
        {
            ClientName = name,
            PersistentSession = persistent,
            Subscriptions = subscriptions.Select(s => (s, MqttQualityOfServiceLevel.AtLeastOnce)).ToArray(),
            OnMessage = (topic, payload, _) =>
            {
                _received.Writer.TryWrite((topic, payload.ToArray()));
                return ValueTask.CompletedTask;
            },
        }, NullLogger.Instance, TimeProvider.System));
    }

    public MqttConnection Connection => _runner.Connection;

    public static async Task<MqttProbe> ConnectAsync(MqttConnectionOptions options, string name, IReadOnlyList<string>? subscriptions = null, bool persistent = false)
    {
        var probe = new MqttProbe(options, name, subscriptions ?? [], persistent);
        await probe._runner.StartAsync();
        return probe;
    }

    /// <summary>The next message, or throws if none arrives within <paramref name="timeout"/>.</summary>
    public async Task<(string Topic, byte[] Payload)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Everything received so far, without waiting.</summary>
    public List<(string Topic, byte[] Payload)> Drain()
    {
        var list = new List<(string, byte[])>();
        while (_received.Reader.TryRead(out var item))
        {
            list.Add(item);
        }

        return list;
    }

    public ValueTask DisposeAsync() => _runner.DisposeAsync();
}
