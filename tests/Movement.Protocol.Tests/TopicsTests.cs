namespace Movement.Protocol.Tests;

public class TopicsTests
{
    [Fact]
    public void SensorSamples_ParsesBack()
    {
        var topic = Topics.SensorSamples("leeds-1", "thingy-03");

        Assert.Equal("movement/v1/leeds-1/sensors/thingy-03/samples", topic);
        Assert.True(Topics.TryParse(topic, out var address, out _));
        Assert.Equal(new TopicAddress(TopicKind.SensorSamples, "leeds-1", "thingy-03", null), address);
    }

    [Fact]
    public void SensorClaim_ParsesBack()
    {
        var topic = Topics.SensorClaim("leeds-1", "thingy-03");

        Assert.Equal("movement/v1/leeds-1/sensors/thingy-03/claim", topic);
        Assert.True(Topics.TryParse(topic, out var address, out _));
        Assert.Equal(new TopicAddress(TopicKind.SensorClaim, "leeds-1", "thingy-03", null), address);
        Assert.Equal("movement/v1/leeds-1/sensors/+/claim", Topics.AllSensorClaims("leeds-1"));
    }

    [Fact]
    public void ParticipantEvent_ParsesBack()
    {
        var topic = Topics.ParticipantEvent("site-1", "p07", RepEvent.TypeName);

        Assert.True(Topics.TryParse(topic, out var address, out _));
        Assert.Equal(TopicKind.ParticipantEvent, address.Kind);
        Assert.Equal("p07", address.EntityId);
        Assert.Equal("rep", address.EventType);
    }

    [Theory]
    [InlineData("Jane Smith")]
    [InlineData("p/1")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("")]
    [InlineData("UPPER")]
    public void SensorSamples_InvalidId_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => Topics.SensorSamples("site-1", id));

    [Theory]
    [InlineData("other/v1/site/sensors/a/samples")]
    [InlineData("movement/v2/site/sensors/a/samples")]
    [InlineData("movement/v1/site/sensors/a/unknown")]
    [InlineData("movement/v1/Site X/session")]
    [InlineData("movement/v1/site/sensors/A B/samples")]
    public void TryParse_ForeignTopic_ReturnsFalseWithReason(string topic)
    {
        Assert.False(Topics.TryParse(topic, out _, out var error));
        Assert.NotNull(error);
    }
}
