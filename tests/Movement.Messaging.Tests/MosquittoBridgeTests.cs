namespace Movement.Messaging.Tests;

public sealed class MosquittoBridgeTests
{
    private static MosquittoBridge Bridge(bool includeSamples = false) => new()
    {
        Site = "site-4",
        CentralHost = "central.example.org",
        Username = "bridge-site-4",
        Password = "s3cret with spaces",
        CaFile = "/etc/mosquitto/certs/central-ca.crt",
        IncludeSamples = includeSamples,
    };

    private static List<string> TopicLines(string configuration) =>
        configuration.Split('\n').Where(l => l.StartsWith("topic ", StringComparison.Ordinal)).ToList();

    [Fact]
    public void ToConfiguration_Default_ForwardsTheSitesEventsAndStateAtQos1ButNoSamples()
    {
        var lines = TopicLines(Bridge().ToConfiguration());

        Assert.Equal(
        [
            "topic movement/v1/site-4/participants/+/events/+ out 1",
            "topic movement/v1/site-4/session out 1",
            "topic movement/v1/site-4/sensors/+/steps out 1",
            "topic movement/v1/site-4/sensors/+/status out 1",
            "topic movement/v1/site-4/gateways/+/availability out 1",
        ], lines);
    }

    [Fact]
    public void ToConfiguration_IncludeSamples_AlsoForwardsSampleBatches() =>
        Assert.Contains("topic movement/v1/site-4/sensors/+/samples out 1", TopicLines(Bridge(includeSamples: true).ToConfiguration()));

    [Fact]
    public void ToConfiguration_Default_PersistentVerifiedTlsUplink()
    {
        var configuration = Bridge().ToConfiguration().Split('\n');

        Assert.Equal("connection movement-site-4", configuration[0]);
        Assert.Contains("address central.example.org:8883", configuration);
        Assert.Contains("bridge_cafile /etc/mosquitto/certs/central-ca.crt", configuration);
        Assert.Contains("bridge_insecure false", configuration);
        Assert.Contains("cleansession false", configuration);
        Assert.Contains("local_cleansession false", configuration);
        Assert.Contains("remote_password s3cret with spaces", configuration);
        Assert.Contains("restart_timeout 5 30", configuration);
    }

    [Theory]
    [InlineData("+")]
    [InlineData("Site 4")]
    public void ToConfiguration_NotOneSiteId_Refused(string site) =>
        Assert.Throws<ArgumentException>(() => (Bridge() with { Site = site }).ToConfiguration());

    [Fact]
    public void ToConfiguration_PasswordWithNewline_RefusedRatherThanInjectingALine() =>
        Assert.Throws<ArgumentException>(() => (Bridge() with { Password = "x\ntopic # both 1" }).ToConfiguration());

    [Fact]
    public void Deployment_TheDocumentedBridgeAndAcl_AreWhatTheCodeWrites()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Movement.sln")))
        {
            root = root.Parent!;
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "deployment.md"));
        var bridgeStart = page.IndexOf("```\nconnection movement-site-7\n", StringComparison.Ordinal) + "```\n".Length;
        var aclStart = page.IndexOf("```acl\n", StringComparison.Ordinal) + "```acl\n".Length;

        var bridge = new MosquittoBridge
        {
            Site = "site-7",
            CentralHost = "central.example.org",
            Username = "bridge-site-7",
            Password = "CHANGE-ME",
            CaFile = "/etc/mosquitto/certs/movement-central-ca.crt",
        }.ToConfiguration();
        var acl = BrokerPermissions.MosquittoAcl([new BrokerUser { Username = "bridge-site-7", Role = BrokerRole.Bridge, Site = "site-7" }]);

        Assert.Equal(bridge, page[bridgeStart..page.IndexOf("```", bridgeStart, StringComparison.Ordinal)]);
        Assert.Equal(acl.TrimEnd('\n') + "\n", page[aclStart..page.IndexOf("```", aclStart, StringComparison.Ordinal)]);
    }
}
