using System.Text;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>A component's connection over TLS to Debian's mosquitto, with a certificate from a private authority.</summary>
[Trait("Category", "Integration")]
public sealed class MosquittoTlsTests
{
    [Fact]
    public async Task PublishAsync_OverTlsListener_ReachesPlainSubscriber()
    {
        using var authority = TestCertificateAuthority.Create();
        await using var broker = await MosquittoServer.StartAsync(tls: authority);
        var topic = Topics.AllSessions("site-1");
        await using var subscriber = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ReaderUser), "tls-reader", [topic]);
        var tlsOptions = MosquittoServer.TestConnectionOptions(broker.TlsPort!.Value, MosquittoServer.ServiceUser);
        tlsOptions.UseTls = true;
        tlsOptions.AllowUntrustedCertificates = true;
        await using var publisher = await MqttProbe.ConnectAsync(tlsOptions, "tls-service");

        await publisher.Connection.PublishAsync(topic, Encoding.UTF8.GetBytes("over tls"), retain: false, CancellationToken.None);

        var (receivedTopic, payload) = await subscriber.NextAsync();
        Assert.Equal(topic, receivedTopic);
        Assert.Equal("over tls", Encoding.UTF8.GetString(payload));
    }
}
