using System.Globalization;
using System.Text;

namespace Movement.Dashboard.Programme;

/// <summary>A score recorded at the first and last session, as stored (measure id) and as shown (label, valid range).</summary>
public sealed record OutcomeMeasure(string Id, string Label, double Min, double Max, bool HigherIsBetter, bool WholeNumber = true);

public static class OutcomeMeasures
{
    public const string FirstSession = "first_session";
    public const string LastSession = "last_session";

    public static OutcomeMeasure KoosPs { get; } = new("koos_ps", "KOOS-PS (0-100, lower is better)", 0, 100, HigherIsBetter: false, WholeNumber: false);
    public static OutcomeMeasure Pain { get; } = new("pain_nrs", "Knee pain (0-10)", 0, 10, HigherIsBetter: false);
    public static OutcomeMeasure HadsAnxiety { get; } = new("hads_anxiety", "HADS anxiety (0-21)", 0, 21, HigherIsBetter: false);
    public static OutcomeMeasure HadsDepression { get; } = new("hads_depression", "HADS depression (0-21)", 0, 21, HigherIsBetter: false);
    public static OutcomeMeasure Swemwbs { get; } = new("swemwbs", "SWEMWBS (7-35)", 7, 35, HigherIsBetter: true);
    public static OutcomeMeasure ChairStand { get; } = new("sit_to_stand_30s", "30 s chair stands (sensor)", 0, 60, HigherIsBetter: true);

    public static IReadOnlyList<OutcomeMeasure> All { get; } = [KoosPs, Pain, HadsAnxiety, HadsDepression, Swemwbs, ChairStand];

    /// <summary>Null when the value is acceptable, else what is wrong with it.</summary>
    public static string? Validate(OutcomeMeasure measure, double? value)
    {
        if (value is not { } v)
        {
            return null; // not recorded yet
        }

        if (double.IsNaN(v) || v < measure.Min || v > measure.Max)
        {
            return $"{measure.Label}: {v.ToString(CultureInfo.InvariantCulture)} is outside {measure.Min}-{measure.Max}.";
        }

        return measure.WholeNumber && v != Math.Floor(v) ? $"{measure.Label}: enter a whole number." : null;
    }
}

/// <summary>One measure's first and last values for one participant.</summary>
public sealed record OutcomeChange(OutcomeMeasure Measure, double? First, double? Last)
{
    public double? Change => First is { } f && Last is { } l ? l - f : null;
}

public sealed record ParticipantOutcomes(string ParticipantId, string DisplayName, IReadOnlyList<OutcomeChange> Measures);

/// <summary>The cohort's change from first to last session, per participant and as cohort means.</summary>
public sealed record OutcomeReport(string Cohort, IReadOnlyList<ParticipantOutcomes> Participants)
{
    /// <summary>Mean change over participants who have both a first and a last value of that measure.</summary>
    public IReadOnlyList<(OutcomeMeasure Measure, double? MeanChange, int Count)> MeanChanges() =>
        OutcomeMeasures.All.Select((m, i) =>
        {
            var changes = Participants.Select(p => p.Measures[i].Change).OfType<double>().ToArray();
            return (m, changes.Length > 0 ? Math.Round(changes.Average(), 2) : (double?)null, changes.Length);
        }).ToArray();

    /// <summary>Pseudonymous ids only: the export may leave the building.</summary>
    public static string ToCsv(OutcomeReport report)
    {
        var csv = new StringBuilder("participant,measure,first_session,last_session,change\n");
        foreach (var participant in report.Participants)
        {
            foreach (var measure in participant.Measures)
            {
                csv.Append(participant.ParticipantId).Append(',').Append(measure.Measure.Id).Append(',')
                    .Append(Format(measure.First)).Append(',').Append(Format(measure.Last)).Append(',').Append(Format(measure.Change)).Append('\n');
            }
        }

        return csv.ToString();
    }

    internal static string Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
