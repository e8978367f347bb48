using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// What a movement must be to count as a rep, whatever the recogniser says: not a walking stride
/// (<see cref="StrideDetector"/>), and not smaller than a real rep of the exercise (<see cref="RangeGate"/>). The
/// second is for a sensor on the leg that rests, which rocks with the other leg's exercise (UCI s2: the still shank
/// turns 4–13° with each heel slide, the still thigh 4–16° with each leg raise), while a partial rep of the
/// exercising leg must still count. <c>evaluate</c> chooses the gates on each UCI subject and tries them on the
/// other (docs/accuracy.md, "The leg that does not exercise").
/// </summary>
/// <param name="MinRom">Per exercise and counting placement, what a rep too small to be one is; an exercise not listed has no minimum.</param>
public sealed record RepPlausibility(StrideRule Stride, IReadOnlyDictionary<(string Exercise, Placement Placement), RangeGate> MinRom)
{
    /// <summary>
    /// The rules the classifier runs. The stride rule was chosen on Carmelo's walks with UCI s2. No range gate: s1 (no
    /// false reps on its resting leg) chooses almost none, and s2's gates, sized for its 3–4 times larger movements,
    /// drop s1's partial reps.
    /// </summary>
    public static RepPlausibility Shipped { get; } = new(new StrideRule(2, 1.0, 1.2), new Dictionary<(string, Placement), RangeGate>());

    /// <summary>Nothing is ruled out (for evaluations that measure what the rules remove).</summary>
    public static RepPlausibility None { get; } = new(new StrideRule(int.MaxValue, 0), new Dictionary<(string, Placement), RangeGate>());

    /// <summary>What a rep of <paramref name="exercise"/> too small to count is at a sensor at <paramref name="placement"/>.</summary>
    public RangeGate MinRomFor(string exercise, Placement placement) => MinRom.GetValueOrDefault((exercise, placement));

    /// <summary>Whether a movement is too small to be a rep of the exercise.</summary>
    public bool TooSmall(string exercise, Placement placement, in RepMeasurement rep) => MinRomFor(exercise, placement).Rejects(rep);
}

/// <summary>
/// A rep is too small when its range is under <paramref name="MinRomDeg"/> and it is also quicker than
/// <paramref name="QuickerThanS"/>: a resting leg's jolt is small and short, a real partial rep small but slow.
/// </summary>
/// <param name="QuickerThanS">0: any duration.</param>
public readonly record struct RangeGate(double MinRomDeg, double QuickerThanS = 0)
{
    public bool Rejects(in RepMeasurement rep) => rep.RomDeg < MinRomDeg && (QuickerThanS <= 0 || rep.DurationS < QuickerThanS);

    public override string ToString() => MinRomDeg <= 0 ? "none" : QuickerThanS <= 0 ? $"{MinRomDeg:0.#}°" : $"{MinRomDeg:0.#}° if < {QuickerThanS:0.0#} s";
}
