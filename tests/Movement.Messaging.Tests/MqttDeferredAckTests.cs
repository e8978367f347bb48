using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Protocol;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary><see cref="MqttConnectionSetup.OnMessageDeferredAck"/> against a real broker (mosquitto), persistent session.</summary>
[Trait("Category", "Integration")]
public sealed class MqttDeferredAckTests
{
    [Fact]
    public async Task OnMessageDeferredAck_NextMessageBeforeAck_OnlyUnacknowledgedRedelivered()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var options = broker.ConnectionOptions(MosquittoServer.ServiceUser);
        options.ClientIdPrefix = "deferred-" + Guid.NewGuid().ToString("N")[..8];
        var topic = Topics.Session("site-1");
        var held = Channel.CreateUnbounded<(string Payload, MqttDeferredAck Ack)>();
        using var stopFirst = new CancellationTokenSource();
        using var first = new MqttConnection(options, new MqttConnectionSetup
        {
            ClientName = "recorder",
            PersistentSession = true,
            Subscriptions = [(topic, MqttQualityOfServiceLevel.AtLeastOnce)],
            OnMessageDeferredAck = (_, payload, ack, _) =>
            {
                held.Writer.TryWrite((System.Text.Encoding.UTF8.GetString(payload.ToArray()), ack));
                return ValueTask.CompletedTask;
            },
        }, NullLogger.Instance, TimeProvider.System);
        var firstRun = first.RunAsync(stopFirst.Token);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await first.WaitConnectedAsync(timeout.Token);
        }

        await using (var publisher = await MqttProbe.ConnectAsync(options, "publisher"))
        {
            foreach (var payload in new[] { "m1", "m2", "m3" })
            {
                await publisher.Connection.PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), retain: false, CancellationToken.None);
            }
        }

        // All three are handed over while none is acknowledged yet; acknowledge only the first, then go away.
        var received = new List<(string Payload, MqttDeferredAck Ack)>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (received.Count < 3)
            {
                received.Add(await held.Reader.ReadAsync(timeout.Token));
            }
        }

        Assert.Equal(["m1", "m2", "m3"], received.Select(r => r.Payload));
        Assert.True(await received[0].Ack.AcknowledgeAsync(CancellationToken.None));
        await stopFirst.CancelAsync();
        await firstRun;
        Assert.False(await received[1].Ack.AcknowledgeAsync(CancellationToken.None));

        await using var second = await MqttProbe.ConnectAsync(options, "recorder", [topic], persistent: true);
        var redelivered = new List<string>();
        while (redelivered.Count < 2)
        {
            redelivered.Add(System.Text.Encoding.UTF8.GetString((await second.NextAsync()).Payload));
        }

        Assert.Equal(["m2", "m3"], redelivered);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.NextAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void Constructor_BothHandlers_Throws()
    {
        var setup = new MqttConnectionSetup
        {
            ClientName = "both",
            OnMessage = (_, _, _) => ValueTask.CompletedTask,
            OnMessageDeferredAck = (_, _, _, _) => ValueTask.CompletedTask,
        };

        Assert.Throws<ArgumentException>(() => new MqttConnection(new MqttConnectionOptions(), setup, NullLogger.Instance, TimeProvider.System));
    }
}
