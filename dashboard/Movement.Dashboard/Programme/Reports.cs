using System.Globalization;
using System.Text;
using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Store;

namespace Movement.Dashboard.Programme;

/// <summary>One participant in one session: attendance, what they did per exercise, and the alerts their tile showed.</summary>
public sealed record SessionReportRow(string ParticipantId, string DisplayName, bool Attended, IReadOnlyList<SessionExerciseSummary> Exercises, IReadOnlyList<TileAlert>? Alerts);

/// <summary>
/// The session report: every participant of the cohort. <see cref="AlertsKept"/> is false when the session is not the
/// one this dashboard has watched live since it started (alerts are kept in memory, not stored).
/// </summary>
public sealed record SessionReport(ProgrammeSession Session, int SessionsPlanned, IReadOnlyDictionary<string, double> TargetRomDeg, IReadOnlyList<SessionReportRow> Rows, bool AlertsKept)
{
    /// <summary>Pseudonymous ids only: the export may leave the building. Flags as "flag:count" separated by ';'.</summary>
    public static string ToCsv(SessionReport report)
    {
        var csv = new StringBuilder("session,participant,attended,exercise,sets,reps,mean_rom_deg,rom_kind,target_rom_deg,flags,alerts\n");
        foreach (var row in report.Rows)
        {
            var alerts = row.Alerts is { } a ? string.Join(';', a.Select(AlertId)) : "";
            foreach (var e in row.Exercises.Count > 0 ? row.Exercises.Select(e => (SessionExerciseSummary?)e) : [null])
            {
                csv.Append(report.Session.Number.ToString(CultureInfo.InvariantCulture)).Append(',').Append(row.ParticipantId).Append(',')
                    .Append(row.Attended ? "yes" : "no").Append(',').Append(e?.Exercise).Append(',')
                    .Append(e?.Sets.ToString(CultureInfo.InvariantCulture)).Append(',').Append(e?.Reps.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(e?.MeanRomDeg.ToString("0.#", CultureInfo.InvariantCulture)).Append(',')
                    .Append(e?.RomKind is { } kind ? kind.ToString().ToLowerInvariant() : "").Append(',')
                    .Append(e is not null && report.TargetRomDeg.TryGetValue(e.Exercise, out var target) ? target.ToString("0.#", CultureInfo.InvariantCulture) : "").Append(',')
                    .Append(e is null ? "" : string.Join(';', e.FlagCounts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{f.Value}"))).Append(',')
                    .Append(alerts).Append('\n');
            }
        }

        return csv.ToString();
    }

    public static string AlertId(TileAlert alert) => alert switch
    {
        TileAlert.SensorLost => "sensor_lost",
        TileAlert.LowBattery => "battery_low",
        _ => "repeated_poor_form",
    };
}

/// <summary>One participant at the end of the programme: attendance, completion, outcome changes, home step-goal adherence.</summary>
public sealed record CohortReportRow(AttendanceRow Attendance, ParticipantOutcomes Outcomes, GoalProgress? StepGoal);

/// <summary>The cohort at programme end (or so far): completion at 75 % attendance, outcome changes, step-goal adherence.</summary>
public sealed record CohortReport(Cohort Cohort, int SessionsHeld, IReadOnlyList<CohortReportRow> Rows, OutcomeReport Outcomes)
{
    public int Completed => Rows.Count(r => r.Attendance.Completed);

    /// <summary>Share of days meeting the goal, over participants with a goal and at least one day since it was set.</summary>
    public double? MeanAdherence => Rows.Where(r => r.StepGoal is { Days: > 0 }).Select(r => (double)r.StepGoal!.DaysMet / r.StepGoal.Days).DefaultIfEmpty(double.NaN).Average() is var m && !double.IsNaN(m) ? m : null;

    /// <summary>
    /// One row per participant: attendance and completion, home step-goal adherence (steps from every source), and each
    /// outcome measure's first, last and change. Pseudonymous ids; a <c>name</c> column only when
    /// <paramref name="includeNames"/> (a supervisor asked for it).
    /// </summary>
    public static string ToCsv(CohortReport report, bool includeNames = false)
    {
        var csv = new StringBuilder("participant").Append(includeNames ? ",name" : "")
            .Append(",attended,planned,completed,daily_step_goal,goal_days,goal_days_met,goal_adherence,mean_daily_steps");
        foreach (var measure in OutcomeMeasures.All)
        {
            csv.Append(',').Append(measure.Id).Append("_first,").Append(measure.Id).Append("_last,").Append(measure.Id).Append("_change");
        }

        csv.Append('\n');
        foreach (var row in report.Rows)
        {
            var a = row.Attendance;
            var g = row.StepGoal;
            csv.Append(a.ParticipantId);
            if (includeNames)
            {
                csv.Append(',').Append(CsvField(a.DisplayName));
            }

            csv.Append(',').Append(a.Attended.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(a.Planned.ToString(CultureInfo.InvariantCulture)).Append(',').Append(a.Completed ? "yes" : "no").Append(',')
                .Append(g?.DailyGoalSteps.ToString(CultureInfo.InvariantCulture)).Append(',').Append(g?.Days.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(g?.DaysMet.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(g is { Days: > 0 } ? ((double)g.DaysMet / g.Days).ToString("0.###", CultureInfo.InvariantCulture) : null).Append(',')
                .Append(g?.MeanDailySteps.ToString("0", CultureInfo.InvariantCulture));
            foreach (var measure in row.Outcomes.Measures)
            {
                csv.Append(',').Append(OutcomeReport.Format(measure.First)).Append(',').Append(OutcomeReport.Format(measure.Last))
                    .Append(',').Append(OutcomeReport.Format(measure.Change));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>
    /// A free-text field (a name): quoted, quotes doubled, and a leading =, +, - or @ defused so a spreadsheet does not
    /// run it as a formula.
    /// </summary>
    internal static string CsvField(string text) =>
        "\"" + (text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
