using System.Text;

namespace Movement.Protocol.Tests;

public class SessionStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static readonly RosterEntry AtSecond = new("p01", "sim-01", Placement.Shank, Side.Right, "st-2");

    private static SessionState Circuit(double? stationTimeS, double? changeoverS) => new()
    {
        SessionId = "c1-s01", Active = true, Time = T0,
        Roster = [AtSecond],
        Stations =
        [
            new StationPlan("st-1", ExerciseIds.KneeExtension, 10, 60),
            new StationPlan("st-2", ExerciseIds.SitToStand, 8),
            new StationPlan("st-3", ExerciseIds.HeelRaise, 10),
        ],
        StationTimeS = stationTimeS,
        ChangeoverS = changeoverS,
    };

    [Theory]
    [InlineData(0, "st-2")]
    [InlineData(179.9, "st-2")]
    [InlineData(180, null)] // walking to the next station
    [InlineData(199.9, null)]
    [InlineData(200, "st-3")]
    [InlineData(400, "st-1")] // round the circuit again
    [InlineData(600, "st-2")]
    [InlineData(-5, "st-2")] // a sample stamped just before the session started
    public void StationAt_TimedCircuit_MovesToTheNextStationInPlanOrderAfterEachStationAndChangeover(double secondsIn, string? expected)
    {
        var session = Circuit(stationTimeS: 180, changeoverS: 20);

        Assert.Equal(expected, session.StationAt(AtSecond, T0.AddSeconds(secondsIn))?.Station);
        Assert.Equal(expected is null, session.IsChangingStation(AtSecond, T0.AddSeconds(secondsIn)));
    }

    [Fact]
    public void StationAt_NoTiming_StaysAtTheRosterStation()
    {
        var session = Circuit(stationTimeS: null, changeoverS: null);

        Assert.Equal("st-2", session.StationAt(AtSecond, T0.AddHours(2))?.Station);
    }

    [Fact]
    public void StationAt_UnplannedStation_Null()
    {
        var session = Circuit(stationTimeS: 180, changeoverS: 20);

        Assert.Null(session.StationAt(AtSecond with { Station = "st-9" }, T0));
        Assert.False(session.IsChangingStation(AtSecond with { Station = "st-9" }, T0.AddSeconds(190)));
    }

    [Fact]
    public void TryDecodeSessionState_TimingRoundTrips()
    {
        var state = Circuit(stationTimeS: 240, changeoverS: 30);

        Assert.True(ProtocolJson.TryDecodeSessionState(ProtocolJson.Encode(state), out var back, out var error), error);
        Assert.Equal(240, back!.StationTimeS);
        Assert.Equal(30, back.ChangeoverS);
    }

    [Theory]
    [InlineData("\"station_time_s\":0", "station_time_s")]
    [InlineData("\"station_time_s\":-60", "station_time_s")]
    [InlineData("\"station_time_s\":86400", "station_time_s")]
    [InlineData("\"station_time_s\":240,\"changeover_s\":-1", "changeover_s")]
    [InlineData("\"station_time_s\":240,\"changeover_s\":3600", "changeover_s")]
    public void TryDecodeSessionState_ImplausibleTiming_RefusedWithReason(string timing, string named)
    {
        var json = $"{{\"session_id\":\"s1\",\"active\":true,\"time\":\"2026-11-29T10:00:00+00:00\",{timing}}}";

        Assert.False(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var value, out var error));
        Assert.Null(value);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
    [Fact]
    public void TryDecodeSessionState_CohortReference_RoundTrips()
    {
        var state = Circuit(stationTimeS: null, changeoverS: null) with { CohortId = "c-7", SessionNumber = 3, SessionsPlanned = 12 };

        var json = Encoding.UTF8.GetString(ProtocolJson.Encode(state));
        Assert.True(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var back, out var error), error);
        Assert.Contains("\"cohort_id\":\"c-7\"", json, StringComparison.Ordinal);
        Assert.Equal(("c-7", 3, 12), (back!.CohortId, back.SessionNumber, back.SessionsPlanned));
    }

    [Fact]
    public void TryDecodeSessionState_WithoutCohort_StaysValid()
    {
        var json = "{\"session_id\":\"s1\",\"active\":true,\"time\":\"2026-11-29T10:00:00+00:00\"}";

        Assert.True(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var value, out var error), error);
        Assert.Null(value!.CohortId);
        Assert.Null(value.SessionNumber);
    }

    [Theory]
    [InlineData("\"cohort_id\":\"Tuesday group\"", "cohort_id")]
    [InlineData("\"cohort_id\":\"\"", "cohort_id")]
    [InlineData("\"session_number\":3", "cohort_id")]
    [InlineData("\"cohort_id\":\"c-1\",\"session_number\":0", "session_number")]
    [InlineData("\"cohort_id\":\"c-1\",\"session_number\":13", "session_number")]
    [InlineData("\"cohort_id\":\"c-1\",\"session_number\":9,\"sessions_planned\":8", "session_number")]
    [InlineData("\"cohort_id\":\"c-1\",\"sessions_planned\":0", "sessions_planned")]
    [InlineData("\"cohort_id\":\"c-1\",\"sessions_planned\":1000", "sessions_planned")]
    public void TryDecodeSessionState_ImplausibleCohortReference_RefusedWithReason(string cohort, string named)
    {
        var json = $"{{\"session_id\":\"s1\",\"active\":true,\"time\":\"2026-11-29T10:00:00+00:00\",{cohort}}}";

        Assert.False(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var value, out var error));
        Assert.Null(value);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecodeSessionState_LongerProgramme_NumberUpToItsLength()
    {
        var json = "{\"session_id\":\"s1\",\"active\":true,\"time\":\"2026-11-29T10:00:00+00:00\",\"cohort_id\":\"c-1\",\"session_number\":16,\"sessions_planned\":16}";

        Assert.True(ProtocolJson.TryDecodeSessionState(Encoding.UTF8.GetBytes(json), out var value, out var error), error);
        Assert.Equal(16, value!.SessionNumber);
    }
}
