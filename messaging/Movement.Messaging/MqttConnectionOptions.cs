using System.ComponentModel.DataAnnotations;

namespace Movement.Messaging;

/// <summary>Where and how a component reaches the broker. Bound from <c>Movement:Mqtt</c>, then overlaid by the component's own section.</summary>
public sealed class MqttConnectionOptions : IValidatableObject
{
    public const string SectionName = "Movement:Mqtt";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    /// <summary>
    /// Accept any broker certificate without checking who signed it or its name (test rigs only): refused at start
    /// outside the Development environment, and warned about on every connect.
    /// </summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>
    /// PEM file of the certificate authority that signed the broker's certificate (a clinic's private CA). When set, the
    /// broker's chain must end at this CA (and only there); otherwise the system's trusted roots decide.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>PEM client certificate presented to the broker (mutual TLS); needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key (PKCS#8 or PKCS#1, unencrypted: protect it with file permissions) of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The name the broker's certificate must carry, when it differs from <see cref="Host"/> (e.g. connecting by IP address).</summary>
    public string? TlsServerName { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Prefix of the MQTT client id; the component appends its role.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,40}$")]
    public string ClientIdPrefix { get; set; } = "movement";

    /// <summary>MQTT keep-alive: the broker drops a client silent for 1.5 times this (MQTT caps it at 18 h 12 min).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "18:12:15")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First wait before reconnecting; zero would spin against a broker that is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between reconnect attempts (the back-off grows to it, with jitter); not below the minimum.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the broker keeps a persistent session (and its QoS 1 backlog) while the client is away.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "49710.06:28:15")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(12);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconnectDelayMax < ReconnectDelayMin)
        {
            yield return new ValidationResult($"ReconnectDelayMax ({ReconnectDelayMax}) must not be below ReconnectDelayMin ({ReconnectDelayMin}).",
                [nameof(ReconnectDelayMax)]);
        }

        foreach (var error in MqttTls.Validate(this))
        {
            yield return error;
        }
    }

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port} as '{Username ?? "(anonymous)"}'";
}
