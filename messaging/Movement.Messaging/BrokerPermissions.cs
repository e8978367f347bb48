using System.Text;
using Movement.Protocol;

namespace Movement.Messaging;

/// <summary>
/// Who may publish and subscribe to what: one table, enforced by the embedded broker and written out as a mosquitto
/// ACL (<see cref="MosquittoAcl"/>), so both brokers apply the same rules. Each component has a role with the least it
/// needs, restricted to the user's site (<c>+</c> = every site).
/// </summary>
public static class BrokerPermissions
{
    private sealed record Rule(string[] Publish, string[] Subscribe);

    private const string SamplesPattern = "sensors/+/samples";

    // What a site's broker forwards to the central one: what the central recorder stores and a central dashboard
    // shows. Not the claims (only the site's gateways need them) and raw samples only when asked (MosquittoBridge).
    private static readonly string[] BridgedWithoutSamples =
        ["participants/+/events/+", "session", "sensors/+/steps", "sensors/+/status", "gateways/+/availability"];

    // Topic patterns below movement/v1/{site}/ (MQTT wildcards). Kept to what each component's code publishes and
    // subscribes to; docs/mqtt.md has the same table.
    private static readonly Dictionary<BrokerRole, Rule> Rules = new()
    {
        [BrokerRole.Gateway] = new(["sensors/+/samples", "sensors/+/steps", "sensors/+/status", "sensors/+/claim", "gateways/+/availability"],
            ["session", "sensors/+/claim", "gateways/+/availability"]),
        [BrokerRole.Classifier] = new(["participants/+/events/+"], ["sensors/+/samples", "sensors/+/steps", "session"]),
        [BrokerRole.Recorder] = new([], ["participants/+/events/+", "sensors/+/steps", "sensors/+/samples", "session"]),
        [BrokerRole.Dashboard] = new(["session"], ["session", "sensors/+/status", "gateways/+/availability", "participants/+/events/+"]),
        [BrokerRole.Service] = new(["#"], ["#"]),
        [BrokerRole.ReadOnly] = new([], ["#"]),
        [BrokerRole.Bridge] = new([.. BridgedWithoutSamples, SamplesPattern], []),
    };

    /// <summary>The topics of <paramref name="site"/> a site's bridge forwards upstream (within the <see cref="BrokerRole.Bridge"/> role).</summary>
    public static IReadOnlyList<string> BridgedTopics(string site, bool includeSamples) =>
        [.. BridgedWithoutSamples.Select(p => Pattern(site, p)), .. includeSamples ? [Pattern(site, SamplesPattern)] : Array.Empty<string>()];

    /// <summary>
    /// A home hub (one participant's step counter at home) may publish only its own sensors' step readings and status
    /// and its own availability (its gateway id is its username), and read nothing: the class's session and other
    /// sensors are none of its business.
    /// </summary>
    private static Rule RuleOf(BrokerUser user) => user.Role == BrokerRole.HomeHub
        ? new([.. user.Sensors.SelectMany(s => new[] { $"sensors/{s}/steps", $"sensors/{s}/status" }), $"gateways/{user.Username}/availability"], [])
        : Rules[user.Role];

    public static bool CanPublish(BrokerUser user, string topic) =>
        Topics.TryParse(topic, out _, out _) && RuleOf(user).Publish.Any(p => Covers(Pattern(user.Site, p), topic));

    /// <summary>
    /// Only state that a later subscriber needs is retained: the session, a gateway's availability, a sensor's
    /// status and which gateway holds the sensor (its claim). A retained sample batch, step reading or event would be replayed to every new subscriber and kept for good.
    /// </summary>
    public static bool CanRetain(string topic) =>
        Topics.TryParse(topic, out var address, out _) && address.Kind is TopicKind.Session or TopicKind.GatewayAvailability or TopicKind.SensorStatus or TopicKind.SensorClaim;

    /// <summary>A filter is allowed when one of the role's patterns covers every topic it can match.</summary>
    public static bool CanSubscribe(BrokerUser user, string topicFilter) =>
        RuleOf(user).Subscribe.Any(p => Covers(Pattern(user.Site, p), topicFilter));

    /// <summary>What makes a <see cref="BrokerRole.HomeHub"/> account unusable (its topics are built from its fields), or nothing.</summary>
    public static IEnumerable<string> HomeHubProblems(BrokerUser user)
    {
        if (user.Role != BrokerRole.HomeHub)
        {
            if (user.Sensors.Count > 0)
            {
                yield return $"Sensors are for the {BrokerRole.HomeHub} role; the {user.Role} role acts on every sensor of its site.";
            }

            yield break;
        }

        if (!Topics.IsValidId(user.Username))
        {
            yield return $"a {BrokerRole.HomeHub} account's username '{user.Username}' is its gateway id: use 1-64 of a-z, 0-9, '-', '_'.";
        }

        if (user.Site == "+")
        {
            yield return $"a {BrokerRole.HomeHub} account acts on one site: set Site.";
        }

        if (user.Sensors.Count == 0)
        {
            yield return $"a {BrokerRole.HomeHub} account needs the sensor ids of the participant's step counters in Sensors.";
        }

        foreach (var sensor in user.Sensors.Where(s => !Topics.IsValidId(s)))
        {
            yield return $"sensor id '{sensor}' must be 1-64 of a-z, 0-9, '-', '_'.";
        }
    }

    /// <summary>The same rules as a mosquitto <c>acl_file</c> (the users' passwords go in its <c>password_file</c>).</summary>
    public static string MosquittoAcl(IEnumerable<BrokerUser> users)
    {
        var acl = new StringBuilder();
        foreach (var user in users)
        {
            var rule = RuleOf(user);
            acl.Append("user ").Append(user.Username).Append('\n');
            foreach (var pattern in rule.Publish.Intersect(rule.Subscribe))
            {
                acl.Append("topic readwrite ").Append(Pattern(user.Site, pattern)).Append('\n');
            }

            foreach (var pattern in rule.Publish.Except(rule.Subscribe))
            {
                acl.Append("topic write ").Append(Pattern(user.Site, pattern)).Append('\n');
            }

            foreach (var pattern in rule.Subscribe.Except(rule.Publish))
            {
                acl.Append("topic read ").Append(Pattern(user.Site, pattern)).Append('\n');
            }

            acl.Append('\n');
        }

        return acl.ToString();
    }

    private static string Pattern(string site, string suffix) =>
        site == "+" && suffix == "#" ? Topics.Root + "/#" : $"{Topics.Root}/{site}/{suffix}";

    /// <summary>Whether every topic <paramref name="filter"/> can match is also matched by <paramref name="pattern"/>.</summary>
    private static bool Covers(string pattern, string filter)
    {
        var p = pattern.Split('/');
        var f = filter.Split('/');
        for (var i = 0; ; i++)
        {
            if (i < p.Length && p[i] == "#")
            {
                return true;
            }

            if (i >= p.Length || i >= f.Length)
            {
                return p.Length == f.Length;
            }

            if (f[i] == "#" || (f[i] == "+" && p[i] != "+") || (p[i] != "+" && p[i] != f[i]))
            {
                return false;
            }
        }
    }
}
