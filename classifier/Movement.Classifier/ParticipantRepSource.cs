using Movement.Protocol;

namespace Movement.Classifier;

/// <summary>Where a participant's reps come from when they wear a thigh and a shank sensor on the same leg.</summary>
public enum RepSource
{
    /// <summary>The knee angle from the pair (<see cref="Pipeline.KneePairClassifier"/>).</summary>
    KneePair,

    Thigh,

    Shank,
}

/// <summary>
/// One source of reps per participant and exercise, so a two-sensor participant gets one rep per rep. The knee pair
/// where the knee's bending is the movement; otherwise the single segment that turns most (measured on held-out
/// simulated participants, docs/accuracy.md "Knee angle from a thigh + shank pair"). For the exercises the real UCI
/// recordings hold, <c>evaluate</c> chooses the source on one subject and reports it on the other (docs/accuracy.md,
/// "Rules and where they were chosen"). A single-sensor participant does not use this: their sensor is their source.
/// </summary>
public static class ParticipantRepSource
{
    public static RepSource For(string exercise) => exercise switch
    {
        ExerciseIds.SitToStand or ExerciseIds.MiniSquat or ExerciseIds.Squat or ExerciseIds.Lunge or ExerciseIds.HamstringCurl => RepSource.KneePair,
        // The hip's exercises: marching lifts the thigh ~65° (the shank barely turns); a straight-leg raise keeps the
        // knee straight, so the knee angle does not move at all. A step-up bends the knee twice per rep (up and
        // down), and the thigh's stream pairs its two movements into one rep (StreamClassifier.MovementsPerRep).
        // Straight-leg raise: chosen on UCI subject 1 (subject 2 would choose the shank; the two are close there).
        ExerciseIds.Marching or ExerciseIds.StraightLegRaise or ExerciseIds.StepUp => RepSource.Thigh,
        // A seated knee extension swings the shank; the knee pair counts it as well (10 of 10 simulated sets each),
        // but on UCI's real e1 the thigh lifts more on full reps than on low ones, so the knee angle tells the
        // low-amplitude reps apart less well (partial_range F1 0.82) than the shank does (0.95). Heel raises
        // (measured from the leg's rise, which either sensor feels), walking, rest and unknown: the shank too, the
        // sensor a single-sensor participant usually wears. A heel slide bends the knee on paper, but UCI's e3 barely
        // moved the knee angle (~7°); the shank counts it best, chosen on each UCI subject alike (simulated: 10 of 10).
        _ => RepSource.Shank,
    };
}
