using Movement.Protocol;

namespace Movement.Messaging;

/// <summary>The embedded broker's access rules, kept apart from the server so they can be tested directly.</summary>
public static class BrokerPermissions
{
    public static bool CanPublish(BrokerUser user, string topic)
    {
        if (user.Role == BrokerRole.ReadOnly || !Topics.TryParse(topic, out var address, out _))
        {
            return false;
        }

        if (user.Site != "+" && user.Site != address.Site)
        {
            return false;
        }

        return user.Role switch
        {
            BrokerRole.Service => true,
            BrokerRole.Gateway => address.Kind is TopicKind.SensorSamples or TopicKind.SensorSteps
                or TopicKind.SensorStatus or TopicKind.GatewayAvailability,
            _ => false,
        };
    }

    /// <summary>A filter must stay inside the user's site; a gateway may only read the session topic.</summary>
    public static bool CanSubscribe(BrokerUser user, string topicFilter)
    {
        var prefix = user.Site == "+" ? Topics.Root + "/" : Topics.SiteRoot(user.Site);
        if (!topicFilter.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        return user.Role != BrokerRole.Gateway || topicFilter.EndsWith("/session", StringComparison.Ordinal);
    }
}
