using System.ComponentModel.DataAnnotations;

namespace Movement.Messaging;

/// <summary>The embedded broker (the single-box default). Bound from <c>Movement:Broker</c>.</summary>
public sealed class BrokerOptions : IValidatableObject
{
    public const string SectionName = "Movement:Broker";

    /// <summary>Host an MQTT broker in this process. Off when the deployment uses mosquitto/EMQX.</summary>
    public bool Enabled { get; set; }

    /// <summary>Loopback by default: the single-box broker is not reachable from the network unless asked.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public List<BrokerUser> Users { get; set; } = [];

    /// <summary>
    /// The passwords the single box ships with in appsettings.json (public, in this repository): fine on loopback,
    /// refused for a broker that listens beyond it.
    /// </summary>
    public static readonly IReadOnlySet<string> PublishedPasswords = new HashSet<string>(StringComparer.Ordinal)
    {
        "local-gateway-secret", "local-classifier-secret", "local-recorder-secret", "local-dashboard-secret",
    };

    /// <summary>
    /// Messages queued per subscriber before the oldest is dropped (counted in movement.broker.messages_dropped).
    /// MQTTnet's default of 250 is 50 ms of traffic at 500 sensors, so a brief stall of one subscriber lost data.
    /// </summary>
    [Range(250, 10_000_000)]
    public int MaxPendingMessagesPerClient { get; set; } = 100_000;

    /// <summary>
    /// Largest PUBLISH payload accepted; bigger ones are refused (PUBACK <c>QuotaExceeded</c> with a reason string), counted, and never
    /// queued or retained. A 100 ms batch of one 200 Hz IMU is under 6 KiB and a session message a few KiB; without a
    /// bound one client made the broker hold a 200 MB payload.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Topics the broker keeps a retained message for (sessions, gateways' availability, sensors' status: a few per
    /// sensor in use); a retained message on a new topic beyond it is refused and counted. Without a bound, retained
    /// messages on made-up sensor ids stayed in memory for good.
    /// </summary>
    [Range(10, 1_000_000)]
    public int MaxRetainedTopics { get; set; } = 2_000;

    /// <summary>Largest retained payload: a session of 50 people is about 12 KiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRetainedPayloadBytes { get; set; } = 64 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            yield return new ValidationResult($"BindAddress '{BindAddress}' is not an IP address.", [nameof(BindAddress)]);
        }

        if (Enabled && System.Net.IPAddress.TryParse(BindAddress, out var bind) && !System.Net.IPAddress.IsLoopback(bind))
        {
            foreach (var user in Users.Where(u => PublishedPasswords.Contains(u.Password)))
            {
                yield return new ValidationResult(
                    $"The broker would listen on {BindAddress}, beyond this machine, and user '{user.Username}' still has the password published in appsettings.json: set a password of your own under Movement:Broker:Users (and the matching component's Mqtt:Password).",
                    [nameof(Users)]);
            }
        }

        if (Enabled && Users.Count == 0)
        {
            yield return new ValidationResult("The embedded broker authenticates every client: configure at least one user under Movement:Broker:Users.", [nameof(Users)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            if (string.IsNullOrWhiteSpace(user.Username) || string.IsNullOrEmpty(user.Password))
            {
                yield return new ValidationResult($"Users[{i}] needs a Username and a Password.", [nameof(Users)]);
            }
            else if (!seen.Add(user.Username))
            {
                yield return new ValidationResult($"Users[{i}]: username '{user.Username}' appears twice.", [nameof(Users)]);
            }

            if (user.Site != "+" && !Movement.Protocol.Topics.IsValidId(user.Site))
            {
                yield return new ValidationResult($"Users[{i}]: Site '{user.Site}' must be a site id or '+' for all sites.", [nameof(Users)]);
            }

            if (user.Role == BrokerRole.Bridge && user.Site == "+")
            {
                yield return new ValidationResult($"Users[{i}]: a Bridge account forwards one site; set its Site to that site's id, not '+'.", [nameof(Users)]);
            }

            foreach (var problem in BrokerPermissions.HomeHubProblems(user))
            {
                yield return new ValidationResult($"Users[{i}]: {problem}", [nameof(Users)]);
            }
        }
    }
}

public sealed class BrokerUser
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public BrokerRole Role { get; set; } = BrokerRole.ReadOnly;

    /// <summary>The site this user may act on, or "+" for every site.</summary>
    public string Site { get; set; } = "+";

    /// <summary>For <see cref="BrokerRole.HomeHub"/>: the sensor ids (the participant's step counters) it may publish for.</summary>
    public List<string> Sensors { get; set; } = [];
}

public enum BrokerRole
{
    /// <summary>Subscribe only, to anything under its site (monitoring, a read-only bridge).</summary>
    ReadOnly,

    /// <summary>Publishes its site's sensor samples, steps and status and its own availability; reads the session.</summary>
    Gateway,

    /// <summary>Everything under its site. For operators' tools and tests; no component needs it.</summary>
    Service,

    /// <summary>Reads sample batches, step readings and the session; publishes participant events.</summary>
    Classifier,

    /// <summary>Reads what it stores (events, steps, samples, the session); publishes nothing.</summary>
    Recorder,

    /// <summary>Reads events, sensor status, gateway availability and the session; publishes the session.</summary>
    Dashboard,

    /// <summary>
    /// A site's broker forwarding to a central one (<see cref="MosquittoBridge"/>): publishes what the site sends
    /// upstream (events, session, step readings, sensor status, gateway availability, raw samples if bridged) for its
    /// one site; subscribes to nothing.
    /// </summary>
    Bridge,

    /// <summary>
    /// A gateway at a participant's home: publishes the step readings and status of its <see cref="BrokerUser.Sensors"/>
    /// only, and its availability as gateway <see cref="BrokerUser.Username"/>, on one site; reads nothing.
    /// </summary>
    HomeHub,
}
