using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>What a rep's range is compared with when the plan prescribes no target range.</summary>
public enum RangeBaseline
{
    /// <summary>The median of the participant's first <see cref="FormAssessor.BaselineReps"/> reps on this stream.</summary>
    FirstReps,

    /// <summary>
    /// The participant's best reps so far: the upper quartile of the ranges of their reps of this exercise (the last
    /// <see cref="FormAssessor.RangeHistory"/>). Does not depend on the first reps being good: a participant who warms
    /// up (36° growing to 55°) is not measured against their stiffest reps.
    /// </summary>
    BestSoFar,

    /// <summary>
    /// The participant's typical reps so far: the median range of their last <see cref="FormAssessor.RangeHistory"/>
    /// reps of this exercise. Like <see cref="BestSoFar"/> it does not rest on the first reps, but a few big reps do
    /// not raise it.
    /// </summary>
    MedianSoFar,
}

/// <summary>
/// Judges each rep against a prescribed target or, without one, against the participant's own reps (their baseline
/// on this stream, <see cref="RangeBaseline"/>). Every flag carries the measurement and the threshold it crossed.
/// A target range applies only when it is of the angle this stream measures (<paramref name="measures"/>): a knee
/// target to knee-angle reps, a shank target to the shank's own reps; any other rep is judged as without a target.
/// </summary>
public sealed class FormAssessor(RangeBaseline rangeBaseline = FormAssessor.ShippedRangeBaseline, RomKind measures = RomKind.Knee)
{
    /// <summary>The rule the classifier runs (chosen on real recordings, docs/accuracy.md "Rules and where they were chosen").</summary>
    public const RangeBaseline ShippedRangeBaseline = RangeBaseline.BestSoFar;

    /// <summary>Reps whose range <see cref="RangeBaseline.BestSoFar"/> looks back over.</summary>
    public const int RangeHistory = 30;

    /// <summary>Reps that form the baseline; they are judged only against a prescribed target.</summary>
    public const int BaselineReps = 5;

    /// <summary>Below this share of the prescribed target (or baseline) the range is partial.</summary>
    public const double PartialRangeFraction = 0.8;

    /// <summary>Faster than this share of the baseline duration is too fast.</summary>
    public const double TooFastFraction = 0.6;

    /// <summary>Sway above this multiple of the baseline (and above <see cref="MinUnstableSwayDeg"/>) is unstable.</summary>
    public const double UnstableSwayFactor = 2;

    public const double MinUnstableSwayDeg = 5;

    /// <summary>Outward/return time ratio this many times away from the baseline's is an uneven tempo.</summary>
    public const double UnevenTempoFactor = 2.5;

    private readonly double[] _rom = new double[BaselineReps];
    private readonly double[] _duration = new double[BaselineReps];
    private readonly double[] _sway = new double[BaselineReps];
    private readonly double[] _tempo = new double[BaselineReps];
    private readonly double[] _romHistory = new double[RangeHistory];
    private int _count;
    private int _romCount;

    public bool HasBaseline => _count >= BaselineReps;

    public double BaselineRomDeg => rangeBaseline switch
    {
        RangeBaseline.FirstReps => Median(_rom),
        RangeBaseline.MedianSoFar => RecentRomQuantile(1, 2),
        _ => RecentRomQuantile(3, 4),
    };

    public double BaselineDurationS => Median(_duration);

    /// <summary>What this stream's ranges are an angle of.</summary>
    public RomKind Measures => measures;

    /// <summary>The target range a rep of this stream is judged against: <paramref name="target"/> if it is of the same angle, else none.</summary>
    public double? TargetFor(RangeTarget? target) => target?.For(measures);

    /// <summary>Forgets the baseline (a new exercise or set owner).</summary>
    public void Reset() => _count = _romCount = 0;

    /// <param name="judgeTempo">
    /// False where the out-and-back timing does not describe the rep: a rep made of two movements (sit-to-stand on
    /// the shank, step-ups), or a heel raise measured from the leg's band-passed rise.
    /// </param>
    public IReadOnlyList<FormFlag> Assess(in RepMeasurement rep, RangeTarget? target, bool judgeTempo = true)
    {
        var targetRomDeg = TargetFor(target);
        List<FormFlag>? flags = null;
        if (targetRomDeg is { } targetDeg && rep.RomDeg < PartialRangeFraction * targetDeg)
        {
            Add(ref flags, new FormFlag(FormFlagIds.PartialRange, Round(rep.RomDeg), targetDeg, "deg", $"partial range: {rep.RomDeg:F0}° of {targetDeg:F0}°"));
        }

        var tempo = rep.ReturnS > 0 ? rep.OutwardS / rep.ReturnS : 1;
        _romHistory[_romCount++ % RangeHistory] = rep.RomDeg;
        if (!HasBaseline)
        {
            _rom[_count] = rep.RomDeg;
            _duration[_count] = rep.DurationS;
            _sway[_count] = rep.SwayDeg;
            _tempo[_count] = tempo;
            _count++;
            return flags ?? (IReadOnlyList<FormFlag>)[];
        }

        var baselineRom = BaselineRomDeg;
        if (targetRomDeg is null && rep.RomDeg < PartialRangeFraction * baselineRom)
        {
            var threshold = Round(PartialRangeFraction * baselineRom);
            Add(ref flags, new FormFlag(FormFlagIds.PartialRange, Round(rep.RomDeg), threshold, "deg", $"partial range: {rep.RomDeg:F0}° of your usual {baselineRom:F0}°"));
        }

        var fastThreshold = TooFastFraction * Median(_duration);
        if (rep.DurationS < fastThreshold)
        {
            Add(ref flags, new FormFlag(FormFlagIds.TooFast, Math.Round(rep.DurationS, 2), Math.Round(fastThreshold, 2), "s", $"too fast: {rep.DurationS:F1} s, aim for at least {fastThreshold:F1} s"));
        }

        var swayThreshold = Math.Max(MinUnstableSwayDeg, UnstableSwayFactor * Median(_sway));
        if (rep.SwayDeg > swayThreshold)
        {
            Add(ref flags, new FormFlag(FormFlagIds.Unstable, Round(rep.SwayDeg), Round(swayThreshold), "deg", $"unstable: {rep.SwayDeg:F0}° of sideways sway"));
        }

        var baselineTempo = Median(_tempo);
        var tempoRatio = baselineTempo > 0 ? tempo / baselineTempo : 1;
        if (judgeTempo && (tempoRatio > UnevenTempoFactor || tempoRatio < 1 / UnevenTempoFactor))
        {
            Add(ref flags, new FormFlag(FormFlagIds.UnevenTempo, Math.Round(tempo, 2), Math.Round(baselineTempo, 2), "ratio", $"uneven tempo: out {rep.OutwardS:F1} s, back {rep.ReturnS:F1} s"));
        }

        return flags ?? (IReadOnlyList<FormFlag>)[];
    }

    private static void Add(ref List<FormFlag>? flags, FormFlag flag) => (flags ??= new List<FormFlag>(2)).Add(flag);

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>The <paramref name="numerator"/>/<paramref name="denominator"/> quantile of the recent reps' ranges.</summary>
    private double RecentRomQuantile(int numerator, int denominator)
    {
        Span<double> sorted = stackalloc double[RangeHistory];
        var n = Math.Min(_romCount, RangeHistory);
        _romHistory.AsSpan(0, n).CopyTo(sorted);
        sorted[..n].Sort();
        return n == 0 ? 0 : sorted[(numerator * (n - 1)) / denominator];
    }

    private static double Median(double[] values)
    {
        Span<double> sorted = stackalloc double[BaselineReps];
        values.CopyTo(sorted);
        sorted.Sort();
        return sorted[BaselineReps / 2];
    }
}
