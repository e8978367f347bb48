using System.Text;

namespace Movement.Protocol.Tests;

public class ProtocolJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RepEvent_RoundTripsWithTypeAndSnakeCase()
    {
        MovementEvent rep = new RepEvent
        {
            Id = "sim-01-123", Site = "site-1", Participant = "p01", Sensor = "sim-01", Time = T0, Session = "s1",
            Exercise = ExerciseIds.KneeExtension, SetNumber = 1, RepNumber = 4, StartTime = T0.AddSeconds(-3),
            DurationS = 3, RomDeg = 48, TargetRomDeg = 90,
            Flags = [new FormFlag(FormFlagIds.PartialRange, 48, 90, "deg", "partial range: 48° of 90°")],
        };

        var bytes = ProtocolJson.Encode(rep);
        var json = Encoding.UTF8.GetString(bytes);

        Assert.Contains("\"type\":\"rep\"", json, StringComparison.Ordinal);
        Assert.Contains("\"rom_deg\":48", json, StringComparison.Ordinal);
        Assert.True(ProtocolJson.TryDecodeEvent(bytes, out var decoded, out var error), error);
        var back = Assert.IsType<RepEvent>(decoded);
        Assert.Equal(((RepEvent)rep) with { Flags = back.Flags }, back);
        Assert.Equal(((RepEvent)rep).Flags, back.Flags);
    }

    [Fact]
    public void Encode_SingleSensorEvent_OmitsPairedSensor()
    {
        MovementEvent rep = new RepEvent
        {
            Id = "a-1-2", Site = "site-1", Participant = "p01", Sensor = "a", Time = T0, Exercise = ExerciseIds.Squat,
            SetNumber = 1, RepNumber = 1, StartTime = T0, DurationS = 2, RomDeg = 90,
        };

        var json = Encoding.UTF8.GetString(ProtocolJson.Encode(rep));

        Assert.DoesNotContain("paired_sensor", json, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecodeEvent_KneePairRep_RoundTripsPairedSensor()
    {
        MovementEvent rep = new RepEvent
        {
            Id = "shank-1-knee-1-2", Site = "site-1", Participant = "p01", Sensor = "shank-1", PairedSensor = "thigh-1", Time = T0,
            Exercise = ExerciseIds.Squat, SetNumber = 1, RepNumber = 1, StartTime = T0, DurationS = 2, RomDeg = 90,
        };

        var bytes = ProtocolJson.Encode(rep);

        Assert.Contains("\"paired_sensor\":\"thigh-1\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.True(ProtocolJson.TryDecodeEvent(bytes, out var decoded, out var error), error);
        Assert.Equal("thigh-1", decoded!.PairedSensor);
    }

    [Fact]
    public void TryDecodeEvent_EventWrittenBeforePairedSensorExisted_DecodesWithNull()
    {
        var json = """{"type":"form_flag","id":"a-1-2-too_fast","site":"site-1","participant":"p01","sensor":"a","time":"2026-11-29T10:00:00+00:00","rep_id":"a-1-2","exercise":"squat","flag":{"flag":"too_fast","measured":1,"threshold":2,"unit":"s","message":"too fast"}}""";

        Assert.True(ProtocolJson.TryDecodeEvent(Encoding.UTF8.GetBytes(json), out var decoded, out var error), error);
        Assert.Null(Assert.IsType<FormFlagEvent>(decoded).PairedSensor);
    }

    private const string RepJson = """{"type":"rep","id":"a-1-2","site":"site-1","participant":"p01","sensor":"a","time":"2026-11-29T10:00:00+00:00","exercise":"squat","set_number":1,"rep_number":2,"start_time":"2026-11-29T09:59:58+00:00","duration_s":2,"rom_deg":80FLAGS}""";

    [Fact]
    public void TryDecodeEvent_RepWithoutFlags_DecodesWithNoFlags()
    {
        Assert.True(ProtocolJson.TryDecodeEvent(Encoding.UTF8.GetBytes(RepJson.Replace("FLAGS", "", StringComparison.Ordinal)), out var decoded, out var error), error);
        Assert.Empty(Assert.IsType<RepEvent>(decoded).Flags);
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData(",\"paired_sensor\":\"b\"", null, RomKind.Knee)]
    [InlineData(",\"rom_kind\":\"Thigh\"", "\"rom_kind\":\"Thigh\"", RomKind.Thigh)]
    [InlineData(",\"rom_kind\":\"Shank\",\"paired_sensor\":\"b\"", "\"rom_kind\":\"Shank\"", RomKind.Shank)]
    public void TryDecodeEvent_RomKind_KeptOrForAnOlderPairsRepTheKnee(string fields, string? encoded, RomKind? expected)
    {
        // Events from before rom_kind: a pair's rep measured the knee; a single sensor's is left to its placement.
        Assert.True(ProtocolJson.TryDecodeEvent(Encoding.UTF8.GetBytes(RepJson.Replace("FLAGS", fields, StringComparison.Ordinal)), out var decoded, out var error), error);
        var rep = Assert.IsType<RepEvent>(decoded);
        Assert.Equal(expected, rep.RomKind);
        var json = Encoding.UTF8.GetString(ProtocolJson.Encode(rep));
        Assert.Equal(expected is not null, json.Contains("\"rom_kind\"", StringComparison.Ordinal));
        Assert.True(encoded is null || json.Contains(encoded, StringComparison.Ordinal), json);
    }

    [Theory]
    [InlineData("", RomKind.Knee)]
    [InlineData(",\"target_rom_kind\":\"Shank\"", RomKind.Shank)]
    [InlineData(",\"target_rom_kind\":\"Thigh\"", RomKind.Thigh)]
    public void TryDecodeSessionState_StationTargetKind_AKneeAngleUnlessItSaysOtherwise(string kind, RomKind expected)
    {
        var json = $$"""{"session_id":"s1","active":true,"time":"2026-11-29T10:00:00+00:00","stations":[{"station":"st-1","exercise":"knee_extension","target_reps":10,"target_rom_deg":50{{kind}}}]}""";

        Assert.True(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var decoded, out var error), error);
        var station = Assert.Single(decoded!.Stations);
        Assert.Equal(new RangeTarget(50, expected), station.RangeTarget());
        Assert.Equal(50, station.RangeTarget()!.Value.For(expected));
        Assert.Null(station.RangeTarget()!.Value.For(expected == RomKind.Knee ? RomKind.Shank : RomKind.Knee));
    }

    [Fact]
    public void TryDecodeSessionState_UnknownTargetKind_Rejected()
    {
        var json = """{"session_id":"s1","active":true,"time":"2026-11-29T10:00:00+00:00","stations":[{"station":"st-1","exercise":"squat","target_reps":10,"target_rom_deg":90,"target_rom_kind":"Hip"}]}""";

        Assert.False(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var decoded, out var error));
        Assert.Null(decoded);
        Assert.Contains("SessionState", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",\"flags\":null")]
    [InlineData(",\"flags\":[null]")]
    [InlineData(",\"flags\":[{\"flag\":\"too_fast\",\"measured\":1,\"threshold\":2,\"unit\":null,\"message\":\"x\"}]")]
    public void TryDecodeEvent_NullWhereTheProtocolHasAValue_RejectedWithAReason(string flags)
    {
        Assert.False(ProtocolJson.TryDecodeEvent(Encoding.UTF8.GetBytes(RepJson.Replace("FLAGS", flags, StringComparison.Ordinal)), out var decoded, out var error));
        Assert.Null(decoded);
        Assert.StartsWith("invalid MovementEvent JSON", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(",\"roster\":null", false)]
    [InlineData(",\"roster\":[null]", false)]
    [InlineData(",\"stations\":[null]", false)]
    public void TryDecodeSessionState_MissingListsEmpty_NullListsAndEntriesRejected(string lists, bool valid)
    {
        var json = $$"""{"session_id":"s1","active":true,"time":"2026-11-29T10:00:00+00:00"{{lists}}}""";

        Assert.Equal(valid, ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var decoded, out var error));
        Assert.Equal(valid, decoded is { Roster: [], Stations: [] });
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void SessionState_RoundTrips()
    {
        var state = new SessionState
        {
            SessionId = "c1-s03", Active = true, Time = T0,
            Roster = [new RosterEntry("p01", "thingy-1", Placement.Shank, Side.Left, "st-1")],
            Stations = [new StationPlan("st-1", ExerciseIds.SitToStand, 10, null), new StationPlan("st-2", ExerciseIds.KneeExtension, 10, 50, RomKind.Shank)],
        };

        Assert.True(ProtocolJson.TryDecodeSessionState(ProtocolJson.Encode(state), out var back, out var error), error);
        Assert.Equal(state.Roster, back!.Roster);
        Assert.Equal(state.Stations, back.Stations);
        Assert.Equal(state.SessionId, back.SessionId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"type\":\"rep\"}")]
    [InlineData("{\"type\":\"teleport\",\"id\":\"x\"}")]
    [InlineData("[1,2,3]")]
    public void TryDecodeEvent_Malformed_ReturnsFalseWithReason(string payload)
    {
        Assert.False(ProtocolJson.TryDecodeEvent(Encoding.UTF8.GetBytes(payload), out var value, out var error));
        Assert.Null(value);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryDecodeStepReading_MissingRequired_IsRejected()
    {
        Assert.False(ProtocolJson.TryDecodeStepReading("{\"sensor\":\"a\"}"u8, out _, out var error));
        Assert.Contains("StepReading", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SensorClaim_RoundTripsInSnakeCase()
    {
        var claim = new SensorClaim { Sensor = "thingy-1", Gateway = "gw-east", Since = T0, Time = T0.AddSeconds(10), TtlS = 30, Released = true };

        var bytes = ProtocolJson.Encode(claim);

        Assert.Contains("\"ttl_s\":30", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.True(ProtocolJson.TryDecodeSensorClaim(bytes, out var back, out var error), error);
        Assert.Equal(claim, back);
    }

    [Theory]
    [InlineData("""{"sensor":"thingy-1","gateway":"gw-1","since":"2026-11-29T10:00:00Z","time":"2026-11-29T10:00:00Z","ttl_s":0}""", "ttl_s")]
    [InlineData("""{"sensor":"thingy-1","gateway":"gw-1","since":"2026-11-29T10:00:00Z","time":"2026-11-29T10:00:00Z","ttl_s":86400}""", "ttl_s")]
    [InlineData("""{"sensor":"Thingy 1","gateway":"gw-1","since":"2026-11-29T10:00:00Z","time":"2026-11-29T10:00:00Z","ttl_s":30}""", "topic ids")]
    [InlineData("""{"sensor":"thingy-1","since":"2026-11-29T10:00:00Z","time":"2026-11-29T10:00:00Z","ttl_s":30}""", "gateway")]
    public void TryDecodeSensorClaim_Implausible_RefusedWithReason(string json, string reason)
    {
        Assert.False(ProtocolJson.TryDecodeSensorClaim(Encoding.UTF8.GetBytes(json), out var claim, out var error));
        Assert.Null(claim);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void SensorStatus_WithoutAdapterOrSlotFields_DecodesWithBothNull()
    {
        var json = """{"sensor":"s1","gateway":"gw-1","kind":"thingy52","connected":false,"time":"2026-11-29T10:00:00Z"}""";

        Assert.True(ProtocolJson.TryDecodeSensorStatus(Encoding.UTF8.GetBytes(json), out var status, out var error), error);
        Assert.Null(status!.Adapter);
        Assert.Null(status.NoRadioSlot);
    }
}
