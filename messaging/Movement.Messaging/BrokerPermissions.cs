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

    public static bool CanPublish(BrokerUser user, string topic) =>
        Topics.TryParse(topic, out _, out _) && Rules[user.Role].Publish.Any(p => Covers(Pattern(user.Site, p), topic));

    /// <summary>
    /// Only state that a later subscriber needs is retained: the session, a gateway's availability, a sensor's
    /// status and which gateway holds the sensor (its claim). A retained sample batch, step reading or event would be replayed to every new subscriber and kept for good.
    /// </summary>
    public static bool CanRetain(string topic) =>
        Topics.TryParse(topic, out var address, out _) && address.Kind is TopicKind.Session or TopicKind.GatewayAvailability or TopicKind.SensorStatus or TopicKind.SensorClaim;

    /// <summary>A filter is allowed when one of the role's patterns covers every topic it can match.</summary>
    public static bool CanSubscribe(BrokerUser user, string topicFilter) =>
        Rules[user.Role].Subscribe.Any(p => Covers(Pattern(user.Site, p), topicFilter));

    /// <summary>The same rules as a mosquitto <c>acl_file</c> (the users' passwords go in its <c>password_file</c>).</summary>
    public static string MosquittoAcl(IEnumerable<BrokerUser> users)
    {
        var acl = new StringBuilder();
        foreach (var user in users)
        {
            var rule = Rules[user.Role];
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
