using System.Globalization;
using System.Text;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Programme;

/// <summary>One measure's first and last values for one participant.</summary>
public sealed record OutcomeChange(string Measure, double? First, double? Last)
{
    public double? Change => First is { } f && Last is { } l ? l - f : null;
}

public sealed record ParticipantOutcomes(string ParticipantId, string DisplayName, IReadOnlyList<OutcomeChange> Measures);

/// <summary>The cohort's change from first to last session, per participant and as cohort means.</summary>
public sealed record OutcomeReport(string Cohort, IReadOnlyList<ParticipantOutcomes> Participants)
{
    /// <summary>Measures in report order, with which direction is better (for reading the table).</summary>
    public static IReadOnlyList<(string Name, string Better)> Measures { get; } =
    [
        ("KOOS-PS", "lower"), ("Pain (0-10)", "lower"), ("HADS anxiety", "lower"), ("HADS depression", "lower"),
        ("SWEMWBS", "higher"), ("30 s chair stands", "higher"),
    ];

    public static IReadOnlyList<double?> Values(OutcomeRecord? r) =>
        r is null ? [null, null, null, null, null, null] : [r.KoosPs, r.Pain, r.HadsAnxiety, r.HadsDepression, r.Swemwbs, r.ChairStand30s];

    /// <summary>Mean change over participants who have both a first and a last record of that measure.</summary>
    public IReadOnlyList<(string Measure, double? MeanChange, int Count)> MeanChanges() =>
        Measures.Select((m, i) =>
        {
            var changes = Participants.Select(p => p.Measures[i].Change).OfType<double>().ToArray();
            return (m.Name, changes.Length > 0 ? Math.Round(changes.Average(), 2) : (double?)null, changes.Length);
        }).ToArray();

    /// <summary>Pseudonymous ids only: the export may leave the building.</summary>
    public static string ToCsv(OutcomeReport report)
    {
        var csv = new StringBuilder("participant,measure,first,last,change\n");
        foreach (var participant in report.Participants)
        {
            foreach (var measure in participant.Measures)
            {
                csv.Append(participant.ParticipantId).Append(',').Append(Quote(measure.Measure)).Append(',')
                    .Append(Format(measure.First)).Append(',').Append(Format(measure.Last)).Append(',').Append(Format(measure.Change)).Append('\n');
            }
        }

        return csv.ToString();
    }

    private static string Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string text) => text.Contains(',', StringComparison.Ordinal) ? $"\"{text}\"" : text;
}
