using Movement.Protocol;

namespace Movement.Store;

/// <summary>Joins per-exercise rep aggregates with form-flag counts (both backends).</summary>
internal static class SessionSummaries
{
    public static IReadOnlyList<SessionExerciseSummary> Combine(
        IEnumerable<(string Participant, string Exercise, int Sets, int Reps, double MeanRom, string? RomKind)> reps,
        IReadOnlyDictionary<(string Participant, string Exercise), Dictionary<string, int>> flags)
    {
        var summaries = reps.ToDictionary(r => (r.Participant, r.Exercise),
            r => new SessionExerciseSummary(r.Participant, r.Exercise, r.Sets, r.Reps, r.MeanRom, new Dictionary<string, int>(), Kind(r.RomKind)));
        foreach (var (key, counts) in flags)
        {
            summaries[key] = summaries.TryGetValue(key, out var s)
                ? s with { FlagCounts = counts }
                : new SessionExerciseSummary(key.Participant, key.Exercise, 0, 0, 0, counts);
        }

        return summaries.Values.OrderBy(s => s.Participant, StringComparer.Ordinal).ThenBy(s => s.Exercise, StringComparer.Ordinal).ToList();
    }

    /// <summary>The stored name of a <see cref="RomKind"/> (the enum's name in both backends); null for none or one this build does not know.</summary>
    private static RomKind? Kind(string? stored) => Enum.TryParse<RomKind>(stored, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : null;
}
