using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>
/// The class the single-box demo runs: five stations of an ESCAPE-pain style leg circuit with targets that fit the
/// motion model's people, and its timing. The dashboard seeds the demo cohort's plan from it; the gateway's
/// simulated class follows whatever plan the running session publishes (this one in the demo); the classifier tests
/// run it through the classifier to measure how often a correct rep is flagged (docs/motion-model.md).
/// </summary>
public static class DemoCircuit
{
    /// <summary>Time at each station: at most people's pace two sets of the target reps with a rest between.</summary>
    public const double StationTimeS = 240;

    /// <summary>Walking to the next station and getting ready there.</summary>
    public const double ChangeoverS = 30;

    /// <summary>
    /// Stations in circuit order with the first session's targets. A target range is the least a correct rep of the
    /// slowest-to-reach simulated person measures on the shank, over the classifier's 80 % partial-range threshold
    /// (FormAssessor): correct reps pass, half-range reps (the model's partial_range fault) do not. Without a target,
    /// range is judged against the person's own first reps.
    /// </summary>
    public static IReadOnlyList<StationPlan> Stations { get; } =
    [
        new("station-1", ExerciseIds.KneeExtension, 10, 50),
        new("station-2", ExerciseIds.SitToStand, 8),
        new("station-3", ExerciseIds.MiniSquat, 10),
        new("station-4", ExerciseIds.StepUp, 8),
        new("station-5", ExerciseIds.HeelRaise, 10),
    ];

    /// <summary>The stations as a simulated participant meets them.</summary>
    public static IReadOnlyList<CircuitStation> AsCircuit(IEnumerable<StationPlan> stations) =>
        [.. stations.Select(s => new CircuitStation(s.Exercise, s.TargetReps))];
}
