using Movement.Protocol;

namespace Movement.Messaging.Tests;

public class BrokerPermissionsTests
{
    private static readonly BrokerUser Gateway = new() { Username = "gw", Role = BrokerRole.Gateway, Site = "site-1" };
    private static readonly BrokerUser Service = new() { Username = "svc", Role = BrokerRole.Service, Site = "+" };
    private static readonly BrokerUser Reader = new() { Username = "ro", Role = BrokerRole.ReadOnly, Site = "+" };

    [Theory]
    [InlineData("movement/v1/site-1/sensors/a/samples", true)]
    [InlineData("movement/v1/site-1/sensors/a/steps", true)]
    [InlineData("movement/v1/site-1/gateways/gw-1/availability", true)]
    [InlineData("movement/v1/site-2/sensors/a/samples", false)]
    [InlineData("movement/v1/site-1/participants/p1/events/rep", false)]
    [InlineData("movement/v1/site-1/session", false)]
    [InlineData("elsewhere/x", false)]
    public void CanPublish_Gateway_OnlyItsSiteSensorTopics(string topic, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanPublish(Gateway, topic));

    [Fact]
    public void CanPublish_ReadOnly_Never() =>
        Assert.False(BrokerPermissions.CanPublish(Reader, Topics.Session("site-1")));

    [Fact]
    public void CanPublish_Service_AnySiteEvents() =>
        Assert.True(BrokerPermissions.CanPublish(Service, Topics.ParticipantEvent("site-9", "p1", "rep")));

    [Theory]
    [InlineData("movement/v1/site-1/session", true)]
    [InlineData("movement/v1/site-1/sensors/+/samples", false)]
    [InlineData("movement/v1/+/session", false)]
    [InlineData("#", false)]
    public void CanSubscribe_Gateway_OnlyItsSession(string filter, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanSubscribe(Gateway, filter));

    [Theory]
    [InlineData("movement/v1/+/sensors/+/samples", true)]
    [InlineData("movement/v1/#", true)]
    [InlineData("#", false)]
    [InlineData("$SYS/#", false)]
    public void CanSubscribe_AllSitesUser_StaysUnderRoot(string filter, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanSubscribe(Reader, filter));

    [Fact]
    public void MosquittoAcl_TheOperationsPagesExample_IsWhatTheRulesWrite()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Movement.sln")))
        {
            root = root.Parent!;
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "operations.md"));
        var start = page.IndexOf("```acl\n", StringComparison.Ordinal) + "```acl\n".Length;
        var documented = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];

        var written = BrokerPermissions.MosquittoAcl(
        [
            new BrokerUser { Username = "gateway", Role = BrokerRole.Gateway, Site = "site-1" },
            new BrokerUser { Username = "classifier", Role = BrokerRole.Classifier, Site = "+" },
            new BrokerUser { Username = "recorder", Role = BrokerRole.Recorder, Site = "+" },
            new BrokerUser { Username = "dashboard", Role = BrokerRole.Dashboard, Site = "site-1" },
        ]);

        Assert.Equal(written, documented);
    }

    [Theory]
    [InlineData(BrokerRole.Classifier, "movement/v1/site-3/participants/p1/events/rep", true)]
    [InlineData(BrokerRole.Classifier, "movement/v1/site-3/session", false)]
    [InlineData(BrokerRole.Recorder, "movement/v1/site-3/participants/p1/events/rep", false)]
    [InlineData(BrokerRole.Dashboard, "movement/v1/site-1/session", true)]
    [InlineData(BrokerRole.Dashboard, "movement/v1/site-1/sensors/a/samples", false)]
    public void CanPublish_ComponentRoles_OnlyWhatTheComponentPublishes(BrokerRole role, string topic, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanPublish(new BrokerUser { Username = "x", Role = role, Site = role == BrokerRole.Dashboard ? "site-1" : "+" }, topic));

    [Theory]
    [InlineData("movement/v1/+/sensors/+/samples", true)]
    [InlineData("movement/v1/site-1/sensors/s1/samples", true)]
    [InlineData("movement/v1/+/sensors/#", false)]
    [InlineData("movement/v1/#", false)]
    [InlineData("movement/v1/+/participants/+/events/+", false)]
    public void CanSubscribe_Classifier_FilterMustBeCoveredByItsPatterns(string filter, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanSubscribe(new BrokerUser { Username = "c", Role = BrokerRole.Classifier, Site = "+" }, filter));

    [Theory]
    [InlineData("movement/v1/site-4/participants/p1/events/rep", true)]
    [InlineData("movement/v1/site-4/sensors/s1/samples", true)]
    [InlineData("movement/v1/site-4/sensors/s1/claim", false)]
    [InlineData("movement/v1/site-5/participants/p1/events/rep", false)]
    public void CanPublish_Bridge_OnlyItsSiteForwardedTopics(string topic, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanPublish(new BrokerUser { Username = "b", Role = BrokerRole.Bridge, Site = "site-4" }, topic));

    [Theory]
    [InlineData("movement/v1/site-4/session")]
    [InlineData("movement/v1/site-4/participants/+/events/+")]
    public void CanSubscribe_Bridge_Nothing(string filter) =>
        Assert.False(BrokerPermissions.CanSubscribe(new BrokerUser { Username = "b", Role = BrokerRole.Bridge, Site = "site-4" }, filter));

    [Fact]
    public void BridgedTopics_EveryTopic_PublishableByTheSitesBridgeAccountOnly()
    {
        var bridge = new BrokerUser { Username = "b", Role = BrokerRole.Bridge, Site = "site-4" };
        var other = new BrokerUser { Username = "o", Role = BrokerRole.Bridge, Site = "site-5" };

        var topics = BrokerPermissions.BridgedTopics("site-4", includeSamples: true);

        Assert.Equal(6, topics.Count);
        Assert.All(topics, t => Assert.True(BrokerPermissions.CanPublish(bridge, t.Replace("+", "x", StringComparison.Ordinal)), t));
        Assert.All(topics, t => Assert.False(BrokerPermissions.CanPublish(other, t.Replace("+", "x", StringComparison.Ordinal)), t));
    }
}
