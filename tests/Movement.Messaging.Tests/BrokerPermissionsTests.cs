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
}
