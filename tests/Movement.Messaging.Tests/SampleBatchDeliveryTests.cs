using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>The same delivery contract against both brokers a deployment may use.</summary>
[Trait("Category", "Integration")]
public abstract class SampleBatchDeliveryTests
{
    protected abstract MqttConnectionOptions Options(string user, string? password = MosquittoServer.Password);

    private static SampleBatch Batch(uint sequence, int count = 25)
    {
        var start = 1_764_400_000_000_000L + (sequence * 1_000_000L);
        var samples = Enumerable.Range(0, count)
            .Select(i => new ImuSample(start + (i * 10_000) + (i % 4 * 37), 0.1f * i, -9.80665f + (0.01f * i), 0.3f, 0.5f, -0.25f * i, 1e-3f))
            .ToArray();
        return new SampleBatch(sequence, 100f, true, samples);
    }

    [Fact]
    public async Task Publish_SampleBatchesFromGateway_ServiceReceivesThemDecodedUnchanged()
    {
        await using var subscriber = await MqttProbe.ConnectAsync(Options(MosquittoServer.ServiceUser), "sub", [Topics.AllSamples("site-1")]);
        await using var gateway = await MqttProbe.ConnectAsync(Options(MosquittoServer.GatewayUser), "gw");
        var sent = Enumerable.Range(0, 20).Select(i => Batch((uint)i)).ToArray();

        foreach (var batch in sent)
        {
            await gateway.Connection.PublishAsync(Topics.SensorSamples("site-1", "thingy-1"), SampleBatchCodec.Encode(batch), retain: false, CancellationToken.None);
        }

        foreach (var expected in sent)
        {
            var (topic, payload) = await subscriber.NextAsync();
            Assert.Equal("movement/v1/site-1/sensors/thingy-1/samples", topic);
            Assert.True(SampleBatchCodec.TryDecode(payload, out var decoded, out var error), error);
            Assert.True(expected.ContentEquals(decoded!), $"batch {expected.Sequence} changed in transit");
        }
    }

    [Fact]
    public async Task Publish_GatewayToAnotherSite_IsNotDelivered()
    {
        await using var subscriber = await MqttProbe.ConnectAsync(Options(MosquittoServer.ServiceUser), "sub2", [Topics.AllSamples()]);
        await using var gateway = await MqttProbe.ConnectAsync(Options(MosquittoServer.GatewayUser), "gw2");

        try
        {
            await gateway.Connection.PublishAsync(Topics.SensorSamples("site-2", "x"), SampleBatchCodec.Encode(Batch(1)), false, CancellationToken.None);
        }
        catch (MqttPublishRefusedException)
        {
            // The embedded broker says so in the PUBACK; mosquitto drops silently. Either way nothing is delivered.
        }

        await gateway.Connection.PublishAsync(Topics.SensorSamples("site-1", "marker"), SampleBatchCodec.Encode(Batch(2)), false, CancellationToken.None);
        var (topic, _) = await subscriber.NextAsync();
        Assert.Equal(Topics.SensorSamples("site-1", "marker"), topic);
    }

    [Fact]
    public async Task Publish_ReadOnlyUser_IsNotDelivered()
    {
        await using var subscriber = await MqttProbe.ConnectAsync(Options(MosquittoServer.ServiceUser), "sub3", [Topics.AllSessions()]);
        await using var reader = await MqttProbe.ConnectAsync(Options(MosquittoServer.ReaderUser), "ro");
        await using var service = await MqttProbe.ConnectAsync(Options(MosquittoServer.ServiceUser), "svc");

        try
        {
            await reader.Connection.PublishAsync(Topics.Session("site-1"), "{}"u8.ToArray(), false, CancellationToken.None);
        }
        catch (MqttPublishRefusedException)
        {
        }

        await service.Connection.PublishAsync(Topics.Session("site-1"), "marker"u8.ToArray(), false, CancellationToken.None);
        var (_, payload) = await subscriber.NextAsync();
        Assert.Equal("marker"u8.ToArray(), payload);
    }

    [Fact]
    public async Task Connect_WrongPassword_IsRefused()
    {
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var options = Options(MosquittoServer.ServiceUser, "wrong");
        var connect = new MQTTnet.MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithCredentials(options.Username, options.Password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();

        var result = await client.ConnectAsync(connect);

        // MQTTnet answers "bad username or password", mosquitto "not authorized": both refuse.
        Assert.Contains(result.ResultCode, new[] { MQTTnet.MqttClientConnectResultCode.BadUserNameOrPassword, MQTTnet.MqttClientConnectResultCode.NotAuthorized });
        Assert.False(client.IsConnected);
    }
}

public sealed class EmbeddedBrokerDeliveryTests : SampleBatchDeliveryTests, IAsyncLifetime
{
    private EmbeddedBrokerServer? _broker;

    protected override MqttConnectionOptions Options(string user, string? password = MosquittoServer.Password) => _broker!.ConnectionOptions(user, password);

    public async Task InitializeAsync() => _broker = await EmbeddedBrokerServer.StartAsync();

    public async Task DisposeAsync() => await _broker!.DisposeAsync();
}

public sealed class MosquittoDeliveryTests : SampleBatchDeliveryTests, IAsyncLifetime
{
    private MosquittoServer? _broker;

    protected override MqttConnectionOptions Options(string user, string? password = MosquittoServer.Password) => _broker!.ConnectionOptions(user, password);

    public async Task InitializeAsync() => _broker = await MosquittoServer.StartAsync();

    public async Task DisposeAsync() => await _broker!.DisposeAsync();
}
