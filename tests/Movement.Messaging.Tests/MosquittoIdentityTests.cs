using MQTTnet;
using MQTTnet.Formatter;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>
/// mosquitto's answer to issue 14's client-id takeover. Its ACL is per account, so an impostor gains no rights, but by
/// default a connection with another account's client id still kicks that client off; <c>use_username_as_clientid</c>
/// (docs/operations.md) replaces every client id with the account's name, so it cannot.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MosquittoIdentityTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("use_username_as_clientid true", false)]
    public async Task Connect_GatewayPresentsTheClassifiersClientId_KicksItOffOnlyWithoutUsernameAsClientId(string configuration, bool kicked)
    {
        await using var broker = await MosquittoServer.StartAsync(extraConfiguration: configuration);
        using var classifier = await ConnectAsync(broker.Port, MosquittoServer.ClassifierUser, "movement-classifier");
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        classifier.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        using var impostor = await ConnectAsync(broker.Port, MosquittoServer.GatewayUser, "movement-classifier");

        // mosquitto closes a taken-over connection while it accepts the new one, before its CONNACK: a ping after that
        // either comes back (still connected) or finds the connection gone.
        var pinged = await Record.ExceptionAsync(() => classifier.PingAsync()) is null;
        Assert.True(impostor.IsConnected);
        Assert.Equal(kicked, !pinged || disconnected.Task.IsCompleted);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string user, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCleanStart(false)
            .WithSessionExpiryInterval(3600).WithProtocolVersion(MqttProtocolVersion.V500).WithCredentials(user, MosquittoServer.Password).Build());
        return client;
    }
}
