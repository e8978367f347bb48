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
        var knee = new SessionExerciseSummary("p-a", ExerciseIds.KneeExtension, 2, 20, 71.24, new Dictionary<string, int> { ["sway"] = 1, ["partial_range"] = 3 });
        var stand = new SessionExerciseSummary("p-a", ExerciseIds.SitToStand, 1, 8, 95, new Dictionary<string, int>());
        var report = new SessionReport(Session3, 12, new Dictionary<string, double> { [ExerciseIds.KneeExtension] = 90 }, [
            new SessionReportRow("p-a", "Ann", true, [knee, stand], [TileAlert.SensorLost, TileAlert.RepeatedPoorForm]),
            new SessionReportRow("p-b", "Bob", false, [], null),
        ], AlertsKept: true);

        var csv = SessionReport.ToCsv(report);

        Assert.Equal(
            "session,participant,attended,exercise,sets,reps,mean_rom_deg,target_rom_deg,flags,alerts\n"
            + "3,p-a,yes,knee_extension,2,20,71.2,90,partial_range:3;sway:1,sensor_lost;repeated_poor_form\n"
            + "3,p-a,yes,sit_to_stand,1,8,95,,,sensor_lost;repeated_poor_form\n"
            + "3,p-b,no,,,,,,,\n", csv);
        Assert.DoesNotContain("Ann", csv, StringComparison.Ordinal);
    }

    private static CohortReportRow Row(string id, int attended, GoalProgress? goal) =>
        new(new AttendanceRow(id, id.ToUpperInvariant(), attended, 12), new ParticipantOutcomes(id, id, []), goal);

    [Fact]
    public void CohortReport_CompletionAdherenceAndCsv()
    {
        var from = new DateOnly(2026, 12, 1);
        var report = new CohortReport(new Cohort { Name = "c" }, 12, [
            Row("p-a", 9, new GoalProgress(from, from.AddDays(9), 6000, 10, 5, 61_000)),
            Row("p-b", 8, new GoalProgress(from, from.AddDays(9), 5000, 10, 10, 70_000)),
            Row("p-c", 12, null),
        ], new OutcomeReport("c", []));

        Assert.Equal(2, report.Completed); // 9 and 12 of 12 reach 75 %; 8 does not
        Assert.Equal(0.75, report.MeanAdherence!.Value, precision: 9);
        Assert.Equal(
            "participant,attended,planned,completed,daily_step_goal,goal_days,goal_days_met,mean_daily_steps\n"
            + "p-a,9,12,yes,6000,10,5,6100\n"
            + "p-b,8,12,no,5000,10,10,7000\n"
            + "p-c,12,12,yes,,,,\n", CohortReport.ToCsv(report));
    }

    [Fact]
    public void CohortReport_NoGoals_NoAdherence() =>
        Assert.Null(new CohortReport(new Cohort { Name = "c" }, 3, [Row("p-a", 3, null)], new OutcomeReport("c", [])).MeanAdherence);
}
