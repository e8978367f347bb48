namespace Movement.Protocol;

/// <summary>
/// The MQTT topic scheme, version 1. Every topic sits under <c>movement/v1/{site}/</c>; only pseudonymous ids
/// (lower-case letters, digits, '-' and '_') appear in topics. See docs/mqtt.md.
/// </summary>
public static class Topics
{
    public const string Root = "movement/v1";

    public static string SensorSamples(string site, string sensorId) => $"{Root}/{Id(site)}/sensors/{Id(sensorId)}/samples";
    public static string SensorSteps(string site, string sensorId) => $"{Root}/{Id(site)}/sensors/{Id(sensorId)}/steps";
    public static string SensorStatus(string site, string sensorId) => $"{Root}/{Id(site)}/sensors/{Id(sensorId)}/status";
    public static string SensorClaim(string site, string sensorId) => $"{Root}/{Id(site)}/sensors/{Id(sensorId)}/claim";
    public static string GatewayAvailability(string site, string gatewayId) => $"{Root}/{Id(site)}/gateways/{Id(gatewayId)}/availability";
    public static string ParticipantEvent(string site, string participantId, string eventType) =>
        $"{Root}/{Id(site)}/participants/{Id(participantId)}/events/{Id(eventType)}";
    public static string Session(string site) => $"{Root}/{Id(site)}/session";

    /// <summary>Subscription filters. <paramref name="site"/> "+" means every site.</summary>
    public static string AllSamples(string site = "+") => $"{Root}/{site}/sensors/+/samples";
    public static string AllSteps(string site = "+") => $"{Root}/{site}/sensors/+/steps";
    public static string AllSensorStatus(string site = "+") => $"{Root}/{site}/sensors/+/status";
    public static string AllSensorClaims(string site = "+") => $"{Root}/{site}/sensors/+/claim";
    public static string AllGatewayAvailability(string site = "+") => $"{Root}/{site}/gateways/+/availability";
    public static string AllEvents(string site = "+") => $"{Root}/{site}/participants/+/events/+";
    public static string AllSessions(string site = "+") => $"{Root}/{site}/session";
    public static string SiteRoot(string site) => $"{Root}/{Id(site)}/";

    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Id(string id) => IsValidId(id)
        ? id
        : throw new ArgumentException($"'{id}' is not a valid topic id: use 1-64 of a-z, 0-9, '-', '_'.", nameof(id));

    /// <summary>Parses a topic of this scheme. Returns false, with a reason, for anything else.</summary>
    public static bool TryParse(string topic, out TopicAddress address, out string? error)
    {
        address = default;
        var parts = topic.Split('/');
        if (parts.Length < 4 || parts[0] != "movement" || parts[1] != "v1")
        {
            error = $"topic '{topic}' is not under {Root}/";
            return false;
        }

        var site = parts[2];
        if (!IsValidId(site))
        {
            error = $"site id '{site}' is not valid";
            return false;
        }

        (TopicKind Kind, string Entity, string? Sub)? parsed = parts[3..] switch
        {
            ["sensors", var s, "samples"] => (TopicKind.SensorSamples, s, null),
            ["sensors", var s, "steps"] => (TopicKind.SensorSteps, s, null),
            ["sensors", var s, "status"] => (TopicKind.SensorStatus, s, null),
            ["sensors", var s, "claim"] => (TopicKind.SensorClaim, s, null),
            ["gateways", var g, "availability"] => (TopicKind.GatewayAvailability, g, null),
            ["participants", var p, "events", var e] => (TopicKind.ParticipantEvent, p, e),
            ["session"] => (TopicKind.Session, "", null),
            _ => null,
        };

        if (parsed is not { } value)
        {
            error = $"topic '{topic}' does not match the v1 scheme";
            return false;
        }

        if (value.Kind != TopicKind.Session && !IsValidId(value.Entity))
        {
            error = $"id '{value.Entity}' in topic '{topic}' is not valid";
            return false;
        }

        address = new TopicAddress(value.Kind, site, value.Entity, value.Sub);
        error = null;
        return true;
    }
}

public enum TopicKind
{
    SensorSamples,
    SensorSteps,
    SensorStatus,
    SensorClaim,
    GatewayAvailability,
    ParticipantEvent,
    Session,
}

/// <param name="EntityId">The sensor, gateway or participant id; empty for the session topic.</param>
/// <param name="EventType">For participant events, the event type segment.</param>
public readonly record struct TopicAddress(TopicKind Kind, string Site, string EntityId, string? EventType);
