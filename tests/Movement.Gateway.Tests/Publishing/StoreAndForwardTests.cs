using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Gateway.Publishing;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Publishing;

/// <summary>Broker outages and gateway restarts against Debian's mosquitto: every batch arrives, in order, once.</summary>
[Trait("Category", "Integration")]
public sealed class StoreAndForwardTests : IAsyncLifetime
{
    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private MosquittoServer _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    private static SampleBatch Batch(uint sequence) =>
        new(sequence, 50, true, [new ImuSample(1_764_400_000_000_000L + (sequence * 20_000L), 0.1f, 9.8f, 0.2f, 0.01f, 0.02f, sequence)]);

    private static async Task<List<uint>> ReceiveSequencesAsync(MqttProbe probe, int count)
    {
        var sequences = new List<uint>();
        while (sequences.Count < count)
        {
            var (topic, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            if (topic != Topics.SensorSamples("site-1", "thingy-1"))
            {
                continue;
            }

            Assert.True(SampleBatchCodec.TryDecode(payload, out var batch, out var error), error);
            sequences.Add(batch!.Sequence);
        }

        return sequences;
    }

    [Fact]
    public async Task Publish_BrokerStoppedMidStreamAndRestarted_EveryBatchArrivesInOrderOnce()
    {
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "saf-sub", [Topics.AllSamples("site-1")]);
        // The gateway reconnects more slowly than the probe, so the probe is subscribed again before the backlog flows.
        using var host = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory, reconnectDelay: TimeSpan.FromSeconds(2)));
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<GatewayPublisher>();
        const int total = 120;

        for (uint i = 0; i < total; i++)
        {
            Assert.True(publisher.EnqueueBatch("thingy-1", Batch(i)));
            if (i == 40)
            {
                await _broker.StopAsync();
            }

            if (i == 80)
            {
                Assert.True(publisher.BatchesQueued > 0, "batches wait in the queue while the broker is down");
                await _broker.StartProcessAsync();
            }

            await Task.Delay(15);
        }

        // One more batch as a marker: the broker keeps one publisher's order, so a batch sent twice would arrive
        // before the marker and show in the sequence list; no waiting for duplicates that might still come.
        Assert.True(publisher.EnqueueBatch("thingy-1", Batch(total)));
        var received = await ReceiveSequencesAsync(probe, total + 1);
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(0, total + 1).Select(i => (uint)i), received);
    }

    [Fact]
    public async Task Restart_QueuedWhileBrokerUnreachable_DeliveredByNextGatewayProcess()
    {
        var deadPort = FreePort.Next();
        using (var first = GatewayHost.Build(GatewayHost.Settings(deadPort, _queueDirectory)))
        {
            await first.StartAsync();
            var publisher = first.Services.GetRequiredService<GatewayPublisher>();
            for (uint i = 0; i < 50; i++)
            {
                publisher.EnqueueBatch("thingy-1", Batch(i));
            }

            Assert.Equal(50, publisher.BatchesQueued);
            await first.StopAsync();
        }

        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "restart-sub", [Topics.AllSamples("site-1")]);
        using var second = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory));
        await second.StartAsync();

        var received = await ReceiveSequencesAsync(probe, 50);
        await second.StopAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (uint)i), received);
    }
}
