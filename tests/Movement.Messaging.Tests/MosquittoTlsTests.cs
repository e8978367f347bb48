using System.Text;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>A component's connection over TLS to Debian's mosquitto, with certificates from a private authority.</summary>
[Trait("Category", "Integration")]
public sealed class MosquittoTlsTests
{
    private static MqttConnectionOptions TlsOptions(MosquittoServer broker, string user, string? caFile, Action<MqttConnectionOptions>? change = null)
    {
        var options = MosquittoServer.TestConnectionOptions(broker.TlsPort!.Value, user);
        options.Host = "localhost";
        options.UseTls = true;
        options.CaCertificateFile = caFile;
        change?.Invoke(options);
        return options;
    }

    private static async Task AssertDeliveredAsync(MosquittoServer broker, MqttConnectionOptions publisherOptions, string name)
    {
        var topic = Topics.AllSessions("site-1");
        await using var subscriber = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ReaderUser), $"{name}-reader", [topic]);
        await using var publisher = await MqttProbe.ConnectAsync(publisherOptions, name);

        await publisher.Connection.PublishAsync(topic, Encoding.UTF8.GetBytes("over tls"), retain: false, CancellationToken.None);

        var (receivedTopic, payload) = await subscriber.NextAsync();
        Assert.Equal(topic, receivedTopic);
        Assert.Equal("over tls", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task PublishAsync_OverTlsListener_ReachesPlainSubscriber()
    {
        using var authority = TestCertificateAuthority.Create();
        await using var broker = await MosquittoServer.StartAsync(tls: authority);

        await AssertDeliveredAsync(broker, TlsOptions(broker, MosquittoServer.ServiceUser, caFile: null, o => o.AllowUntrustedCertificates = true), "tls-untrusted-allowed");
    }

    [Fact]
    public async Task PublishAsync_BrokerCertificateOfTheConfiguredCa_Delivered()
    {
        using var authority = TestCertificateAuthority.Create();
        await using var broker = await MosquittoServer.StartAsync(tls: authority);

        await AssertDeliveredAsync(broker, TlsOptions(broker, MosquittoServer.ServiceUser, authority.CaCertificatePath), "tls-ca");
    }

    [Fact]
    public async Task RunAsync_BrokerCertificateOfAnotherCa_NeverConnectsAndLogsWhy()
    {
        using var authority = TestCertificateAuthority.Create();
        using var stranger = TestCertificateAuthority.Create();
        await using var broker = await MosquittoServer.StartAsync(tls: authority);
        var log = new LineLog();
        using var connection = new MqttConnection(TlsOptions(broker, MosquittoServer.ServiceUser, stranger.CaCertificatePath),
            new MqttConnectionSetup { ClientName = "tls-stranger" }, log, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = connection.RunAsync(stop.Token);

        await Wait.UntilAsync(() => Task.FromResult(log.Lines.Any(l => l.Contains("refused the TLS certificate", StringComparison.Ordinal))), "the refusal is logged");
        await stop.CancelAsync();
        await run;

        Assert.False(connection.IsConnected);
        var refusal = log.Lines.First(l => l.Contains("refused the TLS certificate", StringComparison.Ordinal));
        Assert.Contains($"does not chain to the CA in {stranger.CaCertificatePath}", refusal, StringComparison.Ordinal);
        Assert.Contains("mqtts://localhost:", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(MosquittoServer.Password, string.Join('\n', log.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_MutualTlsWithClientCertificate_Delivered_WithoutOne_NotConnected()
    {
        using var authority = TestCertificateAuthority.Create();
        // The TLS listener is the last one in the configuration: these lines apply to it.
        await using var broker = await MosquittoServer.StartAsync(tls: authority, extraConfiguration: "require_certificate true");
        var (certificate, key) = authority.IssueClient(MosquittoServer.HomeHubUser);

        await AssertDeliveredAsync(broker, TlsOptions(broker, MosquittoServer.ServiceUser, authority.CaCertificatePath,
            o => (o.ClientCertificateFile, o.ClientKeyFile) = (certificate, key)), "mtls");

        var log = new LineLog();
        using var anonymous = new MqttConnection(TlsOptions(broker, MosquittoServer.ServiceUser, authority.CaCertificatePath),
            new MqttConnectionSetup { ClientName = "mtls-none" }, log, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = anonymous.RunAsync(stop.Token);
        await Wait.UntilAsync(() => Task.FromResult(log.Lines.Any(l => l.Contains("could not connect", StringComparison.Ordinal))), "the failed handshake is logged");
        await stop.CancelAsync();
        await run;
        Assert.False(anonymous.IsConnected);
    }
}
