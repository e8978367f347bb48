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

    /// <summary>The first <c>acl</c> block of a page under docs/.</summary>
    private static string DocumentedAcl(string page)
    {
        var text = File.ReadAllText(Path.Combine(Movement.TestSupport.RepositoryRoot.Path, "docs", page));
        var start = text.IndexOf("```acl\n", StringComparison.Ordinal) + "```acl\n".Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void MosquittoAcl_TheOperationsPagesExample_IsWhatTheRulesWrite()
    {
        var documented = DocumentedAcl("operations.md");

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
    private static readonly BrokerUser Hub = new() { Username = "hub-p03", Role = BrokerRole.HomeHub, Site = "site-1", Sensors = ["pinetime-p03"] };

    [Theory]
    [InlineData("movement/v1/site-1/sensors/pinetime-p03/steps", true)]
    [InlineData("movement/v1/site-1/sensors/pinetime-p03/status", true)]
    [InlineData("movement/v1/site-1/gateways/hub-p03/availability", true)]
    [InlineData("movement/v1/site-1/sensors/pinetime-p04/steps", false)]
    [InlineData("movement/v1/site-1/sensors/pinetime-p03/samples", false)]
    [InlineData("movement/v1/site-1/sensors/pinetime-p03/claim", false)]
    [InlineData("movement/v1/site-2/sensors/pinetime-p03/steps", false)]
    [InlineData("movement/v1/site-1/gateways/gw-1/availability", false)]
    [InlineData("movement/v1/site-1/session", false)]
    public void CanPublish_HomeHub_OnlyItsSensorsStepsAndStatusAndItsAvailability(string topic, bool expected) =>
        Assert.Equal(expected, BrokerPermissions.CanPublish(Hub, topic));

    [Theory]
    [InlineData("movement/v1/site-1/session")]
    [InlineData("movement/v1/site-1/sensors/pinetime-p03/steps")]
    [InlineData("movement/v1/site-1/sensors/+/claim")]
    public void CanSubscribe_HomeHub_Nothing(string filter) =>
        Assert.False(BrokerPermissions.CanSubscribe(Hub, filter));

    [Fact]
    public void MosquittoAcl_HomeHub_WritesOnlyItsOwnTopics_AsTheHomeHubPageShows()
    {
        var acl = BrokerPermissions.MosquittoAcl([Hub]);

        Assert.Equal("""
            user hub-p03
            topic write movement/v1/site-1/sensors/pinetime-p03/steps
            topic write movement/v1/site-1/sensors/pinetime-p03/status
            topic write movement/v1/site-1/gateways/hub-p03/availability


            """.ReplaceLineEndings("\n"), acl);
        Assert.Equal(acl, DocumentedAcl("home-hub.md"));
    }

    [Theory]
    [InlineData("Hub-P03", "site-1", "pinetime-p03", "gateway id")]
    [InlineData("hub-p03", "+", "pinetime-p03", "one site")]
    [InlineData("hub-p03", "site-1", "", "sensor ids")]
    [InlineData("hub-p03", "site-1", "Bad Id", "'Bad Id'")]
    public void HomeHubProblems_UnusableAccount_NamesTheProblem(string username, string site, string sensor, string named)
    {
        var user = new BrokerUser { Username = username, Role = BrokerRole.HomeHub, Site = site, Sensors = sensor.Length == 0 ? [] : [sensor] };

        Assert.Contains(BrokerPermissions.HomeHubProblems(user), p => p.Contains(named, StringComparison.Ordinal));
        Assert.Empty(BrokerPermissions.HomeHubProblems(Hub));
    }

    [Fact]
    public void HomeHubProblems_SensorsOnAnotherRole_Refused() =>
        Assert.NotEmpty(BrokerPermissions.HomeHubProblems(new BrokerUser { Username = "gw", Role = BrokerRole.Gateway, Site = "site-1", Sensors = ["s1"] }));
}
