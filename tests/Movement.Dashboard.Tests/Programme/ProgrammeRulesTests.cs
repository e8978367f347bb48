using Movement.Dashboard.Data;
using Movement.Dashboard.Programme;
using Movement.Protocol;

namespace Movement.Dashboard.Tests.Programme;

public sealed class ProgrammeRulesTests
{
    [Theory]
    [InlineData(12, 9, true)]
    [InlineData(12, 8, false)]
    [InlineData(12, 12, true)]
    [InlineData(10, 8, true)]
    [InlineData(10, 7, false)]
    public void AttendanceRow_Completed_AtSeventyFivePercent(int planned, int attended, bool completed) =>
        Assert.Equal(completed, new AttendanceRow("p-a", "A", attended, planned).Completed);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 12)]
    [InlineData(6, 15)]
    [InlineData(12, 15)]
    public void CircuitStation_TargetRepsFor_RisesPerSessionUpToMost(int session, int expected)
    {
        var station = new CircuitStation { Station = "station-1", Exercise = ExerciseIds.KneeExtension, TargetReps = 10, RepsIncreasePerSession = 1, MaxReps = 15 };
        Assert.Equal(expected, station.TargetRepsFor(session));
    }

    [Fact]
    public void NewEscapePainCohort_TwelveSessionsTwiceWeeklyOverSixWeeks()
    {
        var start = new DateOnly(2026, 11, 2);
        var cohort = DashboardDatabaseInitialiser.NewEscapePainCohort("c", start);
        Assert.Equal(12, cohort.Sessions.Count);
        Assert.Equal(start, cohort.Sessions[0].PlannedDate);
        Assert.Equal(start.AddDays(3), cohort.Sessions[1].PlannedDate);
        Assert.Equal(start.AddDays(38), cohort.Sessions[11].PlannedDate);
        Assert.Equal(12, cohort.Sessions.Select(s => s.SessionKey).Distinct().Count());
        Assert.All(cohort.Sessions, s => Assert.True(Topics.IsValidId(s.SessionKey)));
    }

    [Theory]
    [InlineData("pain_nrs", 11.0, "outside 0-10")]
    [InlineData("pain_nrs", 4.5, "whole number")]
    [InlineData("swemwbs", 6.0, "outside 7-35")]
    [InlineData("hads_anxiety", 22.0, "outside 0-21")]
    [InlineData("koos_ps", 101.0, "outside 0-100")]
    public void OutcomeMeasures_Validate_OutOfRange_SaysWhatIsWrong(string measure, double value, string expected)
    {
        var error = OutcomeMeasures.Validate(OutcomeMeasures.All.Single(m => m.Id == measure), value);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("koos_ps", 47.5)]
    [InlineData("pain_nrs", 0.0)]
    [InlineData("swemwbs", 35.0)]
    [InlineData("sit_to_stand_30s", 14.0)]
    public void OutcomeMeasures_Validate_InRange_Accepted(string measure, double value) =>
        Assert.Null(OutcomeMeasures.Validate(OutcomeMeasures.All.Single(m => m.Id == measure), value));

    [Fact]
    public void OutcomeReport_MeanChangesAndCsv_OnlyParticipantsWithBothTimepoints()
    {
        OutcomeChange[] Changes(double? painFirst, double? painLast) =>
            OutcomeMeasures.All.Select(m => m == OutcomeMeasures.Pain ? new OutcomeChange(m, painFirst, painLast) : new OutcomeChange(m, null, null)).ToArray();
        var report = new OutcomeReport("c", [
            new ParticipantOutcomes("p-a", "A", Changes(6, 3)),
            new ParticipantOutcomes("p-b", "B", Changes(5, 4)),
            new ParticipantOutcomes("p-c", "C", Changes(7, null)),
        ]);
        var pain = report.MeanChanges().Single(m => m.Measure == OutcomeMeasures.Pain);
        Assert.Equal((-2.0, 2), (pain.MeanChange!.Value, pain.Count));
        var csv = OutcomeReport.ToCsv(report);
        Assert.Contains("p-a,pain_nrs,6,3,-3\n", csv, StringComparison.Ordinal);
        Assert.Contains("p-c,pain_nrs,7,,\n", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",A,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgrammeEditor_Validate_SameSensorTwice_Rejected()
    {
        var error = ProgrammeEditor.Validate([
            new SensorAssignment { ParticipantId = "p-a", Sensor = "sim-01", Station = "station-1" },
            new SensorAssignment { ParticipantId = "p-b", Sensor = "sim-01", Station = "station-1" },
        ]);
        Assert.Equal("Sensor sim-01 is listed 2 times (p-a, p-b): a sensor is worn by one person on one leg.", error);
    }

    [Fact]
    public void ProgrammeEditor_Validate_StationWithMostBelowStart_Rejected()
    {
        var error = ProgrammeEditor.Validate([new CircuitStation { Station = "station-2", Exercise = ExerciseIds.SitToStand, TargetReps = 10, MaxReps = 8 }]);
        Assert.Contains("station-2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RomKind.Knee, 160.0, null)]
    [InlineData(RomKind.Knee, 0.5, null)]
    [InlineData(RomKind.Knee, 161.0, "station-1: a knee angle target range must be more than 0° and at most 160° (it is 161°); leave it empty for no target.")]
    [InlineData(RomKind.Knee, 0.0, "station-1: a knee angle target range must be more than 0° and at most 160° (it is 0°); leave it empty for no target.")]
    [InlineData(RomKind.Thigh, 180.0, null)]
    [InlineData(RomKind.Shank, 170.0, null)]
    [InlineData(RomKind.Shank, 181.0, "station-1: a shank angle target range must be more than 0° and at most 180° (it is 181°); leave it empty for no target.")]
    [InlineData(RomKind.Thigh, -5.0, "station-1: a thigh angle target range must be more than 0° and at most 180° (it is -5°); leave it empty for no target.")]
    [InlineData(RomKind.Knee, double.NaN, "station-1: a knee angle target range must be more than 0° and at most 160° (it is NaN°); leave it empty for no target.")]
    public void ProgrammeEditor_Validate_TargetRange_LimitedByWhatItIsAnAngleOf(RomKind kind, double targetDeg, string? expected)
    {
        var station = new CircuitStation { Station = "station-1", Exercise = ExerciseIds.KneeExtension, TargetReps = 10, MaxReps = 15, TargetRomDeg = targetDeg, TargetRomKind = kind };

        Assert.Equal(expected, ProgrammeEditor.Validate([station]));
    }

    [Fact]
    public void ProgrammeEditor_Validate_NoTargetRange_AcceptedWhateverItsKind() =>
        Assert.Null(ProgrammeEditor.Validate([new CircuitStation { Station = "station-1", Exercise = ExerciseIds.Squat, TargetReps = 10, MaxReps = 15, TargetRomKind = RomKind.Thigh }]));

    [Fact]
    public void ProgrammeEditor_Validate_UnknownTargetKind_Rejected()
    {
        var error = ProgrammeEditor.Validate([new CircuitStation { Station = "station-1", Exercise = ExerciseIds.Squat, TargetReps = 10, MaxReps = 15, TargetRomDeg = 90, TargetRomKind = (RomKind)42 }]);

        Assert.Equal("station-1: '42' is not a kind of range: use one of Knee, Thigh, Shank, Wrist, Other.", error);
    }

    private static SensorAssignment Worn(string participant, string sensor, Placement placement, Side side = Side.Right) =>
        new() { ParticipantId = participant, Sensor = sensor, Placement = placement, Side = side, Station = "station-1" };

    [Fact]
    public void ProgrammeEditor_Validate_ThighAndShankPairOnOneLeg_Accepted() =>
        Assert.Null(ProgrammeEditor.Validate([
            Worn("p-a", "sim-01", Placement.Shank, Side.Left),
            Worn("p-a", "sim-01-thigh", Placement.Thigh, Side.Left),
            Worn("p-b", "sim-02", Placement.Thigh),
        ]));

    [Theory]
    [InlineData("sim-01", Placement.Thigh, Side.Left, "Sensor sim-01 is listed 2 times (Ann): a sensor is worn by one person on one leg.")]
    [InlineData("sim-09", Placement.Shank, Side.Left, "Ann has two sensors on the shank (sim-01 and sim-09): a pair is one on the thigh and one on the shank.")]
    [InlineData("sim-09", Placement.Wrist, Side.Left, "Ann has two sensors on the shank and wrist: a pair is one on the thigh and one on the shank.")]
    [InlineData("sim-09", Placement.Thigh, Side.Right, "Ann's thigh and shank sensors are on different legs: a pair measures one knee, so both go on the same leg.")]
    [InlineData("sim-09", (Placement)17, Side.Left, "Ann: sensor sim-09 has an unknown placement '17': use one of Shank, Thigh, Wrist, Other.")]
    [InlineData("Sim 9", Placement.Thigh, Side.Left, "Ann: sensor id 'Sim 9' is not valid: use 1-64 of a-z, 0-9, '-', '_'.")]
    public void ProgrammeEditor_Validate_BadSecondSensor_RejectedSayingWhy(string sensor, Placement placement, Side side, string expected)
    {
        var names = new Dictionary<string, string> { ["p-a"] = "Ann" };
        var error = ProgrammeEditor.Validate([Worn("p-a", "sim-01", Placement.Shank, Side.Left), Worn("p-a", sensor, placement, side)], names);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void ProgrammeEditor_Validate_ThreeSensorsOnOneParticipant_Rejected()
    {
        var error = ProgrammeEditor.Validate([Worn("p-a", "a1", Placement.Shank), Worn("p-a", "a2", Placement.Thigh), Worn("p-a", "a3", Placement.Wrist)]);
        Assert.Equal("p-a has 3 sensors: a participant wears one, or a thigh + shank pair.", error);
    }
}
