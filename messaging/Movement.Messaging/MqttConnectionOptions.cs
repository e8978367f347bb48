using System.ComponentModel.DataAnnotations;

namespace Movement.Messaging;

/// <summary>Where and how a component reaches the broker. Bound from <c>Movement:Mqtt</c>, then overlaid by the component's own section.</summary>
public sealed class MqttConnectionOptions
{
    public const string SectionName = "Movement:Mqtt";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    /// <summary>Accept a self-signed broker certificate (test rigs only).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Prefix of the MQTT client id; the component appends its role.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,40}$")]
    public string ClientIdPrefix { get; set; } = "movement";

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the broker keeps a persistent session (and its QoS 1 backlog) while the client is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(12);

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port} as '{Username ?? "(anonymous)"}'";
}
