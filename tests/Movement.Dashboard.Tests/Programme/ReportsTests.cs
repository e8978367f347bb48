using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Tests.Programme;

public sealed class ReportsTests
{
    private static readonly ProgrammeSession Session3 = new() { Number = 3, SessionKey = "s03-abcdef", PlannedDate = new DateOnly(2026, 11, 9) };

    [Fact]
    public void SessionReport_ToCsv_RowPerExercise_AbsentParticipantOnce_PseudonymousIdsOnly()
    {
        var knee = new SessionExerciseSummary("p-a", ExerciseIds.KneeExtension, 2, 20, 71.24, new Dictionary<string, int> { ["sway"] = 1, ["partial_range"] = 3 }, RomKind.Shank);
        var stand = new SessionExerciseSummary("p-a", ExerciseIds.SitToStand, 1, 8, 95, new Dictionary<string, int>());
        var report = new SessionReport(Session3, 12, new Dictionary<string, double> { [ExerciseIds.KneeExtension] = 90 }, [
            new SessionReportRow("p-a", "Ann", true, [knee, stand], [TileAlert.SensorLost, TileAlert.RepeatedPoorForm]),
            new SessionReportRow("p-b", "Bob", false, [], null),
        ], AlertsKept: true);

        var csv = SessionReport.ToCsv(report);

        Assert.Equal(
            "session,participant,attended,exercise,sets,reps,mean_rom_deg,rom_kind,target_rom_deg,flags,alerts\n"
            + "3,p-a,yes,knee_extension,2,20,71.2,shank,90,partial_range:3;sway:1,sensor_lost;repeated_poor_form\n"
            + "3,p-a,yes,sit_to_stand,1,8,95,,,,sensor_lost;repeated_poor_form\n"
            + "3,p-b,no,,,,,,,,\n", csv);
        Assert.DoesNotContain("Ann", csv, StringComparison.Ordinal);
    }

    private static CohortReportRow Row(string id, int attended, GoalProgress? goal, params OutcomeChange[] outcomes) =>
        new(new AttendanceRow(id, id.ToUpperInvariant(), attended, 12),
            new ParticipantOutcomes(id, id, OutcomeMeasures.All.Select(m => outcomes.FirstOrDefault(o => o.Measure == m) ?? new OutcomeChange(m, null, null)).ToArray()), goal);

    private static readonly string OutcomeColumns = string.Concat(OutcomeMeasures.All.Select(m => $",{m.Id}_first,{m.Id}_last,{m.Id}_change"));

    /// <summary>The outcome columns of a row with only knee pain scored, 6 then 4.</summary>
    private static readonly string PainOnly = string.Concat(OutcomeMeasures.All.Select(m => m == OutcomeMeasures.Pain ? ",6,4,-2" : ",,,"));

    private static readonly string NoOutcomes = string.Concat(OutcomeMeasures.All.Select(_ => ",,,"));

    [Fact]
    public void CohortReport_CompletionAdherenceAndCsv()
    {
        var from = new DateOnly(2026, 12, 1);
        var report = new CohortReport(new Cohort { Name = "c" }, 12, [
            Row("p-a", 9, new GoalProgress(from, from.AddDays(9), 6000, 10, 5, 61_000), new OutcomeChange(OutcomeMeasures.Pain, 6, 4)),
            Row("p-b", 8, new GoalProgress(from, from.AddDays(9), 5000, 10, 10, 70_000)),
            Row("p-c", 12, null),
        ], new OutcomeReport("c", []));

        Assert.Equal(2, report.Completed); // 9 and 12 of 12 reach 75 %; 8 does not
        Assert.Equal(0.75, report.MeanAdherence!.Value, precision: 9);
        Assert.Equal(
            "participant,attended,planned,completed,daily_step_goal,goal_days,goal_days_met,goal_adherence,mean_daily_steps" + OutcomeColumns + "\n"
            + "p-a,9,12,yes,6000,10,5,0.5,6100" + PainOnly + "\n"
            + "p-b,8,12,no,5000,10,10,1,7000" + NoOutcomes + "\n"
            + "p-c,12,12,yes,,,,," + NoOutcomes + "\n", CohortReport.ToCsv(report));
    }

    [Fact]
    public void CohortReport_ToCsvWithNames_NameColumnQuotedAndDefused()
    {
        var report = new CohortReport(new Cohort { Name = "c" }, 1, [
            new CohortReportRow(new AttendanceRow("p-a", "Smith, \"Ann\"", 1, 12), new ParticipantOutcomes("p-a", "", []), null),
            new CohortReportRow(new AttendanceRow("p-b", "=HYPERLINK(1)", 1, 12), new ParticipantOutcomes("p-b", "", []), null),
        ], new OutcomeReport("c", []));

        var lines = CohortReport.ToCsv(report, includeNames: true).Split('\n');
        var plain = CohortReport.ToCsv(report);

        Assert.StartsWith("participant,name,attended,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("p-a,\"Smith, \"\"Ann\"\"\",1,12,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("p-b,\"'=HYPERLINK(1)\",1,12,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("participant,attended,", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("Ann", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void CohortReport_NoGoals_NoAdherence() =>
        Assert.Null(new CohortReport(new Cohort { Name = "c" }, 3, [Row("p-a", 3, null)], new OutcomeReport("c", [])).MeanAdherence);
}
