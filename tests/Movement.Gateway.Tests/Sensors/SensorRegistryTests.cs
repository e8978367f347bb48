using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sessions;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Sensors;

public class SensorRegistryTests
{
    private static List<ValidationResult> Validate(params SensorRegistration[] sensors)
    {
        var options = new SensorRegistryOptions { Sensors = [.. sensors] };
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_GoodRegistrations_HasNoErrors()
    {
        Assert.Empty(Validate(
            new SensorRegistration { Address = "c0:ff:ee:00:00:01", SensorId = "thingy-1", Kind = SensorKind.Thingy52 },
            new SensorRegistration { Address = "A0:9E:1A:00:00:02", SensorId = "polar-1", Kind = SensorKind.PolarPmd, Placement = Placement.Thigh, Side = Side.Left }));
    }

    [Theory]
    [InlineData("C0:FF:EE:00:00", "thingy-1", "not a Bluetooth address")]
    [InlineData("C0:FF:EE:00:00:01", "Thingy One", "must be 1-64 of a-z")]
    public void Validate_BadField_SaysWhatIsWrong(string address, string sensorId, string expected)
    {
        var errors = Validate(new SensorRegistration { Address = address, SensorId = sensorId });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuplicateAddressAndId_AreBothReported()
    {
        var errors = Validate(
            new SensorRegistration { Address = "C0:FF:EE:00:00:01", SensorId = "a" },
            new SensorRegistration { Address = "c0:ff:ee:00:00:01", SensorId = "a" });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("registered twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ThingyRateOutOfRange_IsRefused()
    {
        var errors = Validate(new SensorRegistration { Address = "C0:FF:EE:00:00:01", SensorId = "t", Kind = SensorKind.Thingy52, SampleRateHz = 400 });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("5-200", StringComparison.Ordinal));
    }

    [Fact]
    public void TryGet_UnknownOrDifferentCase_FindsOnlyRegistered()
    {
        var registry = new SensorRegistry(Options.Create(new SensorRegistryOptions
        {
            Sensors = [new SensorRegistration { Address = "C0:FF:EE:00:00:01", SensorId = "thingy-1" }],
        }));

        Assert.True(registry.TryGet("c0:ff:ee:00:00:01", out var found));
        Assert.Equal("thingy-1", found.SensorId);
        Assert.False(registry.TryGet("11:22:33:44:55:66", out _));
    }

    [Fact]
    public void SessionRoster_TryApply_AssignsParticipantsFromSessionTopic()
    {
        var roster = new SessionRoster();
        var session = new SessionState
        {
            SessionId = "s-1",
            Active = true,
            Time = DateTimeOffset.UnixEpoch,
            Roster = [new RosterEntry("p07", "thingy-1", Placement.Shank, Side.Right)],
        };

        Assert.True(roster.TryApply(ProtocolJson.Encode(session), out var error), error);
        Assert.Equal("p07", roster.ParticipantFor("thingy-1"));
        Assert.True(roster.IsInActiveSession("thingy-1"));
        Assert.False(roster.IsInActiveSession("polar-1"));
        Assert.False(roster.TryApply("{not json"u8, out error));
        Assert.NotNull(error);
        Assert.Equal("p07", roster.ParticipantFor("thingy-1"));
    }
}
