using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>Per-rep probabilities of each form fault (0..1).</summary>
public sealed record FaultRates(double PartialRange = 0, double TooFast = 0, double Unstable = 0, double UnevenTempo = 0)
{
    public static FaultRates None { get; } = new();

    /// <summary>A typical class: most reps correct, each fault now and then.</summary>
    public static FaultRates Typical { get; } = new(0.08, 0.06, 0.05, 0.05);
}

/// <summary>
/// One station of a session: a set of <see cref="Reps"/> repetitions of <see cref="Exercise"/>, or
/// <see cref="DurationS"/> seconds of walking/rest, followed by <see cref="RestAfterS"/> seconds of rest.
/// </summary>
/// <param name="Exercise">An id from <see cref="ExerciseIds"/>.</param>
/// <param name="ForcedFaults">Optional faults per rep (index = rep); overrides <see cref="Faults"/> for those reps.</param>
public sealed record ActivityPlan(
    string Exercise,
    int Reps = 10,
    double DurationS = 60,
    double RestAfterS = 30,
    FaultRates? Faults = null,
    IReadOnlyList<IReadOnlyList<string>>? ForcedFaults = null);

/// <summary>What a simulated participant does, in order.</summary>
public sealed record SessionPlan(IReadOnlyList<ActivityPlan> Activities)
{
    /// <summary>Exercises of the default circuit, grouped by posture as a class would set up stations.</summary>
    public static IReadOnlyList<string> CircuitExercises { get; } =
    [
        ExerciseIds.SitToStand, ExerciseIds.KneeExtension, ExerciseIds.MiniSquat, ExerciseIds.Squat, ExerciseIds.StepUp,
        ExerciseIds.Lunge, ExerciseIds.HeelRaise, ExerciseIds.HamstringCurl, ExerciseIds.Marching,
        ExerciseIds.StraightLegRaise, ExerciseIds.HeelSlide,
    ];

    /// <summary>
    /// An ESCAPE-pain style circuit: walking warm-up, a set of each exercise with rests, walking cool-down.
    /// Reps per set, rests and walking time vary with the seed.
    /// </summary>
    public static SessionPlan Circuit(int seed, FaultRates? faults = null, int minReps = 8, int maxReps = 12, double minRestS = 15, double maxRestS = 40, double walkingS = 60)
    {
        var random = new Random(seed);
        double Uniform(double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
        var activities = new List<ActivityPlan> { new(ExerciseIds.Walking, DurationS: walkingS, RestAfterS: Uniform(minRestS, maxRestS)) };
        foreach (var exercise in CircuitExercises)
        {
            activities.Add(new ActivityPlan(exercise, random.Next(minReps, maxReps + 1), RestAfterS: Uniform(minRestS, maxRestS), Faults: faults ?? FaultRates.Typical));
        }

        activities.Add(new ActivityPlan(ExerciseIds.Walking, DurationS: walkingS, RestAfterS: 5));
        return new SessionPlan(activities);
    }

    /// <summary>One set of one exercise with a short rest before and after.</summary>
    public static SessionPlan SingleSet(string exercise, int reps, FaultRates? faults = null, IReadOnlyList<IReadOnlyList<string>>? forcedFaults = null) =>
        new([new ActivityPlan(exercise, reps, RestAfterS: 3, Faults: faults ?? FaultRates.None, ForcedFaults: forcedFaults)]);
}
