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
    /// Stations in circuit order with the first session's targets. Knee extension's 50° is the shank's own angle (a
    /// seated extension swings the shank; the thigh stays on the seat): the classifier flags a range below 80 % of it
    /// (40°), and on the shank correct simulated reps measure 54–88°, partial ones 27–39° (docs/motion-model.md, "Class
    /// circuit"). The other stations have no range target (a shank sees only 11–42° of a mini squat's 44° knee bend):
    /// range is judged against each person's own reps. Each station still says what a target typed in later is an
    /// angle of: the knee where the pair counts the exercise (sit-to-stand, mini squat), the thigh for a step-up, the
    /// shank for a heel raise (ParticipantRepSource).
    /// </summary>
    public static IReadOnlyList<StationPlan> Stations { get; } =
    [
        new("station-1", ExerciseIds.KneeExtension, 10, 50, RomKind.Shank),
        new("station-2", ExerciseIds.SitToStand, 8, TargetRomKind: RomKind.Knee),
        new("station-3", ExerciseIds.MiniSquat, 10, TargetRomKind: RomKind.Knee),
        new("station-4", ExerciseIds.StepUp, 8, TargetRomKind: RomKind.Thigh),
        new("station-5", ExerciseIds.HeelRaise, 10, TargetRomKind: RomKind.Shank),
    ];

    /// <summary>The stations as a simulated participant meets them.</summary>
    public static IReadOnlyList<CircuitStation> AsCircuit(IEnumerable<StationPlan> stations) =>
        [.. stations.Select(s => new CircuitStation(s.Exercise, s.TargetReps))];
}
