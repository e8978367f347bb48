using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>Who may connect to the embedded broker, from where, and as what.</summary>
[Trait("Category", "Integration")]
public sealed class EmbeddedBrokerIdentityTests
{
    [Fact]
    public async Task ValidateConnection_AnotherAccountPresentsAServicesClientId_RefusedAndTheServiceKeepsItsSession()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        await using var service = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "classifier", [Topics.AllSamples()], persistent: true);

        // The gateway's valid credentials with the service's client id, asking to resume its session.
        var impostor = await ConnectAsync(broker.Port, MosquittoServer.GatewayUser, service.Connection.ClientId);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, impostor);
        Assert.True(service.Connection.IsConnected);

        // The service still receives what its subscription covers.
        await using var gateway = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.GatewayUser), "gw");
        await gateway.Connection.PublishAsync(Topics.SensorSamples("site-1", "s1"), new byte[] { 1, 2, 3 }, retain: false, CancellationToken.None);
        Assert.Equal([1, 2, 3], (await service.NextAsync()).Payload);
    }

    [Fact]
    public async Task ValidateConnection_SameAccountReconnectsWithItsClientId_Accepted()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        await (await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "recorder", [Topics.AllEvents()], persistent: true)).DisposeAsync();

        await using var again = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "recorder", [Topics.AllEvents()], persistent: true);

        Assert.True(again.Connection.IsConnected);
    }

    [Fact]
    public async Task StartAsync_BoundToIpv4Loopback_DoesNotListenOnIpv6()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();

        using var v4 = new TcpClient(AddressFamily.InterNetwork);
        await v4.ConnectAsync(IPAddress.Loopback, broker.Port);
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAnyAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, broker.Port));
    }

    [Fact]
    public async Task StartAsync_BoundToIpv6Loopback_ListensThereOnly()
    {
        var port = FreePort.Next();
        await using var broker = new EmbeddedBroker(Options.Create(new BrokerOptions
        {
            Enabled = true,
            BindAddress = "::1",
            Port = port,
            Users = [new BrokerUser { Username = "u", Password = "p", Role = BrokerRole.ReadOnly }],
        }), NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);

        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await v6.ConnectAsync(IPAddress.IPv6Loopback, port);
        using var v4 = new TcpClient(AddressFamily.InterNetwork);
        await Assert.ThrowsAnyAsync<SocketException>(() => v4.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task InterceptPublish_PayloadOverTheLimit_RefusedAndTheNextMessageStillDelivered()
    {
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        await using var service = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "svc", [Topics.AllSamples()]);
        await using var gateway = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.GatewayUser), "gw");
        var topic = Topics.SensorSamples("site-1", "s1");

        var refused = await Assert.ThrowsAsync<MqttPublishRefusedException>(() =>
            gateway.Connection.PublishAsync(topic, new byte[new BrokerOptions().MaxPayloadBytes + 1], retain: false, CancellationToken.None));
        await gateway.Connection.PublishAsync(topic, new byte[] { 7 }, retain: false, CancellationToken.None);

        Assert.Contains("QuotaExceeded", refused.Message, StringComparison.Ordinal);
        Assert.Equal([7], (await service.NextAsync()).Payload);
        Assert.Empty(service.Drain());
    }

    private static async Task<MqttClientConnectResultCode> ConnectAsync(int port, string user, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600)
            .WithCredentials(user, MosquittoServer.Password).Build();
        var result = await client.ConnectAsync(options);
        return result.ResultCode;
    }
}
