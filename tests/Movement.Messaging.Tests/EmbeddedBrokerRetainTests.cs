using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>What the embedded broker keeps as retained messages: bounded, whatever a client with publish rights sends.</summary>
[Trait("Category", "Integration")]
public sealed class EmbeddedBrokerRetainTests
{
    [Fact]
    public async Task InterceptPublish_RetainedSampleBatch_RefusedAndNotReplayedToLaterSubscribers()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        using var gateway = await ConnectAsync(broker.Port, MosquittoServer.GatewayUser);

        var samples = await PublishRetainedAsync(gateway, Topics.SensorSamples("site-1", "made-up-1"), 100);
        var status = await PublishRetainedAsync(gateway, Topics.SensorStatus("site-1", "imu-1"), 100);

        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, samples.ReasonCode);
        Assert.NotEqual(MqttClientPublishReasonCode.QuotaExceeded, status.ReasonCode); // NoMatchingSubscribers: nobody listens yet
        Assert.Equal([Topics.SensorStatus("site-1", "imu-1")], await RetainedTopicsAsync(broker.Port, "movement/v1/site-1/sensors/#"));
    }

    [Fact]
    public async Task InterceptPublish_RetainedStatusOfMoreMadeUpSensorsThanTheBound_KeepsAtMostTheBound()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        using var gateway = await ConnectAsync(broker.Port, MosquittoServer.GatewayUser);
        var bound = new BrokerOptions().MaxRetainedTopics;

        var refused = 0;
        for (var i = 0; i < bound + 100; i++)
        {
            refused += (await PublishRetainedAsync(gateway, Topics.SensorStatus("site-1", $"made-up-{i}"), 300)).ReasonCode == MqttClientPublishReasonCode.QuotaExceeded ? 1 : 0;
        }

        var big = await PublishRetainedAsync(gateway, Topics.SensorStatus("site-1", "made-up-0"), new BrokerOptions().MaxRetainedPayloadBytes + 1);

        Assert.Equal(100, refused);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, big.ReasonCode);
        Assert.Equal(bound, (await RetainedTopicsAsync(broker.Port, "movement/v1/site-1/sensors/+/status")).Count);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string user)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"retain-{user}-{Guid.NewGuid():N}")
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCredentials(user, MosquittoServer.Password).Build();
        await client.ConnectAsync(options);
        return client;
    }

    private static Task<MqttClientPublishResult> PublishRetainedAsync(IMqttClient client, string topic, int bytes) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new byte[bytes])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build());

    /// <summary>
    /// The topics of the retained messages a new subscriber to <paramref name="filter"/> gets: the broker sends them
    /// before it acknowledges anything published after the subscription, so a marker published then ends the list.
    /// </summary>
    private static async Task<List<string>> RetainedTopicsAsync(int port, string filter)
    {
        using var reader = await ConnectAsync(port, MosquittoServer.ServiceUser);
        var received = System.Threading.Channels.Channel.CreateUnbounded<MqttApplicationMessage>();
        reader.ApplicationMessageReceivedAsync += e => received.Writer.WriteAsync(e.ApplicationMessage).AsTask();
        const string Marker = "movement/v1/site-1/sensors/marker/status";
        await reader.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).WithTopicFilter(Marker).Build());
        await reader.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Marker).WithPayload("marker"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var topics = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await received.Reader.ReadAsync(timeout.Token) is { } message)
        {
            if (!message.Retain && message.Topic == Marker)
            {
                return topics;
            }

            topics.Add(message.Topic);
        }

        return topics;
    }
}
