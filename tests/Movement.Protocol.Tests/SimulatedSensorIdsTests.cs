using System.ComponentModel.DataAnnotations;

namespace Movement.Protocol.Tests;

public class SimulatedSensorIdsTests
{
    [Fact]
    public void SensorId_DefaultPrefix_NumbersPeopleFromOne()
    {
        var ids = new SimulatedSensorIds();

        Assert.Equal(["sim-01", "sim-01-thigh", "sim-10", "sim-123-thigh"], [ids.SensorId(0), ids.ThighSensorId(0), ids.SensorId(9), ids.ThighSensorId(122)]);
    }

    [Fact]
    public void SensorId_ConfiguredPrefix_IsUsedForShankAndThigh()
    {
        var ids = new SimulatedSensorIds { SensorIdPrefix = "room2-" };

        Assert.Equal(("room2-03", "room2-03-thigh"), (ids.SensorId(2), ids.ThighSensorId(2)));
    }

    [Theory]
    [InlineData("sim-", true)]
    [InlineData("", true)]
    [InlineData("Sim-", false)]
    [InlineData("sim/", false)]
    [InlineData("a123456789a123456789a123456789a123456789a123456789abcd", true)]
    [InlineData("a123456789a123456789a123456789a123456789a123456789abcde", false)]
    public void Validate_Prefix_AcceptsOnlyPrefixesThatMakeTopicIds(string prefix, bool valid)
    {
        var ids = new SimulatedSensorIds { SensorIdPrefix = prefix };

        var results = ids.Validate(new ValidationContext(ids)).ToList();

        Assert.Equal(valid, results.Count == 0);
        Assert.All(results, r => Assert.Equal([nameof(SimulatedSensorIds.SensorIdPrefix)], r.MemberNames));
    }
}
