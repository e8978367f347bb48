using System.Globalization;
using System.Text;
using Movement.Protocol;

namespace Movement.Messaging;

/// <summary>
/// A site's mosquitto forwarding its data to a central broker: the <c>connection</c> section of the site broker's
/// configuration, written from the same table as the central broker's ACL (<see cref="BrokerPermissions.BridgedTopics"/>,
/// the <see cref="BrokerRole.Bridge"/> role), so the two cannot drift apart. The bridge connects out from the site over
/// TLS, keeps a persistent session (<c>cleansession false</c>) and forwards at QoS 1, so what the site publishes while
/// the uplink is down waits in the site broker's queue for the bridge and is delivered when it returns. docs/deployment.md.
/// </summary>
public sealed record MosquittoBridge
{
    /// <summary>The site whose topics are forwarded (its id, as in the topics).</summary>
    public required string Site { get; init; }

    /// <summary>The central broker's TLS listener: a host name its certificate names, or an address it lists.</summary>
    public required string CentralHost { get; init; }

    public int CentralPort { get; init; } = 8883;

    /// <summary>The central broker's account for this site: role <see cref="BrokerRole.Bridge"/>, Site = <see cref="Site"/>.</summary>
    public required string Username { get; init; }

    /// <summary>Written into the configuration file (keep that file readable by mosquitto only); never logged.</summary>
    public required string Password { get; init; }

    /// <summary>The certificate authority that signed the central broker's certificate (PEM).</summary>
    public required string CaFile { get; init; }

    /// <summary>Also forward raw IMU sample batches (off by default: large, and kept centrally only with consent).</summary>
    public bool IncludeSamples { get; init; }

    /// <summary>First wait before reconnecting the uplink (mosquitto adds jitter up to <see cref="ReconnectDelayMax"/>).</summary>
    public TimeSpan ReconnectDelayMin { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectDelayMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A silent uplink (no RST, e.g. a cut cable) is noticed after about 1.5 times this; mosquitto's minimum is 5 s.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The lines to append to the site broker's mosquitto.conf.</summary>
    public string ToConfiguration()
    {
        if (!Topics.IsValidId(Site))
        {
            throw new ArgumentException($"Site '{Site}' is not a site id (1-64 of a-z, 0-9, '-', '_').", nameof(Site));
        }

        if (CentralHost.Any(char.IsWhiteSpace) || Username.Any(char.IsWhiteSpace) || Password.Any(c => c is '\n' or '\r') || CaFile.Any(c => c is '\n' or '\r'))
        {
            throw new ArgumentException("Host, user name, password and CA file must each be one line (host and user name without spaces).");
        }

        if (KeepAlive < TimeSpan.FromSeconds(5) || ReconnectDelayMin < TimeSpan.FromSeconds(1) || ReconnectDelayMax < ReconnectDelayMin)
        {
            throw new ArgumentException("KeepAlive must be at least 5 s, ReconnectDelayMin at least 1 s and ReconnectDelayMax not below it.");
        }

        var name = $"movement-{Site}";
        var config = new StringBuilder()
            .Append("connection ").Append(name).Append('\n')
            .Append("address ").Append(CentralHost).Append(':').Append(CentralPort.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("remote_clientid ").Append(Username).Append('\n')
            .Append("remote_username ").Append(Username).Append('\n')
            .Append("remote_password ").Append(Password).Append('\n')
            .Append("bridge_cafile ").Append(CaFile).Append('\n')
            .Append("bridge_insecure false\n")
            .Append("bridge_tls_version tlsv1.2\n")
            // Persistent on both sides: the site broker queues for the bridge while the uplink is down.
            .Append("cleansession false\n")
            .Append("local_cleansession false\n")
            .Append("start_type automatic\n")
            .Append("restart_timeout ").Append(Seconds(ReconnectDelayMin)).Append(' ').Append(Seconds(ReconnectDelayMax)).Append('\n')
            .Append("keepalive_interval ").Append(Seconds(KeepAlive)).Append('\n')
            // The bridge's up/down state stays on the site broker ($SYS/...); the central ACL grants the bridge nothing there.
            .Append("notifications true\n")
            .Append("notifications_local_only true\n");
        foreach (var topic in BrokerPermissions.BridgedTopics(Site, IncludeSamples))
        {
            config.Append("topic ").Append(topic).Append(" out 1\n");
        }

        return config.ToString();
    }

    private static string Seconds(TimeSpan span) => ((int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
