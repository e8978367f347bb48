using System.Globalization;
using Movement.Dashboard.Data;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Programme;

/// <summary>One programme session as one participant had it: attendance, what they did per exercise, the chair-stand count.</summary>
public sealed record SessionHistoryRow(ProgrammeSession Session, bool Attended, IReadOnlyList<SessionExerciseSummary> Exercises, int? ChairStands)
{
    public bool Held => Session.StartedAt is not null;
}

/// <summary>
/// A participant's class history for supervisors: each of the cohort's sessions in order, the circuit's target range per
/// exercise (the plan as it is now: targets are not kept per session), and the first/last-session outcome scores.
/// </summary>
public sealed record ParticipantHistory(IReadOnlyList<SessionHistoryRow> Sessions, IReadOnlyDictionary<string, double> TargetRomDeg, ParticipantOutcomes Outcomes)
{
    /// <summary>Exercises done in any session, in the circuit's usual order of first appearance.</summary>
    public IReadOnlyList<string> Exercises => Sessions.SelectMany(s => s.Exercises).Select(e => e.Exercise).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Form flags by type over the whole programme, most frequent first.</summary>
    public IReadOnlyList<(string Flag, int Count)> FlagTotals => Sessions.SelectMany(s => s.Exercises).SelectMany(e => e.FlagCounts)
        .GroupBy(f => f.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(f => f.Value)))
        .OrderByDescending(f => f.Item2).ThenBy(f => f.Key, StringComparer.Ordinal).ToArray();

    public int Attended => Sessions.Count(s => s.Attended);
}

public static class ChairStands
{
    /// <summary>The window of the 30-second chair-stand test, counted from the start of the first sit-to-stand.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sit-to-stand reps that end within <see cref="Window"/> of the start of the first one among <paramref name="reps"/>;
    /// null when there is none.
    /// </summary>
    public static int? Count(IEnumerable<RepSummary> reps)
    {
        var standing = reps.Where(r => r.Exercise == ExerciseIds.SitToStand).OrderBy(r => r.Time).ToList();
        if (standing.Count == 0)
        {
            return null;
        }

        var start = standing[0].Time.AddSeconds(-standing[0].DurationS);
        return standing.Count(r => r.Time <= start + Window);
    }
}

/// <summary>How the pages write ids for people: "partial range ×3, sway ×1".</summary>
public static class DisplayText
{
    public static string Alert(Live.TileAlert alert) => alert switch
    {
        Live.TileAlert.SensorLost => "Sensor lost",
        Live.TileAlert.LowBattery => "Battery low",
        _ => "Repeated poor form",
    };

    /// <summary>"knee angle 79" or "79" when the reps did not all measure the same angle: the number alone would invite comparing a thigh's angle with a knee target.</summary>
    public static string MeanRange(SessionExerciseSummary exercise) =>
        exercise.RomKind is { } kind ? $"{RomKinds.Label(kind)} {exercise.MeanRomDeg:F0}" : exercise.MeanRomDeg.ToString("F0", CultureInfo.CurrentCulture);

    public static string Flags(IReadOnlyDictionary<string, int> flags) =>
        flags.Count == 0 ? "none" : string.Join(", ", flags.Select(f => $"{f.Key.Replace('_', ' ')} ×{f.Value}"));
}
