using System.Globalization;
using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Tools.Replay;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Tools.Commands;

/// <summary>
/// Offline commands for a thigh + shank pair (knee angle, docs/classifier.md "Knee angle from a thigh + shank pair"):
/// replay two recordings of one leg, and measure the knee angle against the motion model's truth.
/// </summary>
internal static class PairCommands
{
    public static readonly string[] Names = ["trace-pair", "knee-sim", "knee-circuit"];

    public const string Usage = """
          trace-pair <thigh-file> <shank-file> [--format recording|uci] [--side left|right]
          knee-sim [--first-seed <n>] [--subjects <n>]   (knee angle vs the motion model's truth; prints tables)
          knee-circuit [--first-seed <n>] [--subjects <n>]   (rep counts per set over whole simulated circuits)
        """;

    /// <summary>The exercises whose movement is the knee's (the pair measures them); knee-sim's list.</summary>
    public static readonly string[] SimulatedExercises =
    [
        ExerciseIds.KneeExtension, ExerciseIds.SitToStand, ExerciseIds.MiniSquat, ExerciseIds.Squat, ExerciseIds.StepUp,
        ExerciseIds.Lunge, ExerciseIds.HamstringCurl, ExerciseIds.HeelSlide, ExerciseIds.Marching,
    ];

    /// <summary>Held out from everything tuned: training uses 100000–150009, recogniser tests 900000–900600, knee tuning 700000–700009.</summary>
    public const int DefaultFirstSeed = 910_000;

    /// <summary>The knee angle every 0.4 s ('*' inside a rep) with each rep as it is found.</summary>
    public static int TracePair(string thighPath, string shankPath, Dictionary<string, string> options, Func<string, Dictionary<string, string>, IEnumerable<ImuSample>> read, TextWriter output)
    {
        Side? side = options.TryGetValue("side", out var s) ? Enum.Parse<Side>(s, ignoreCase: true) : null;
        var nextUs = long.MinValue;
        var reps = 0;
        KneePairClassifier? last = null;
        KneePairReplay.Run(read(thighPath, options), read(shankPath, options), "thigh", "shank", side, null, null, null, pair =>
        {
            last = pair;
            if (pair.Reps != reps)
            {
                reps = pair.Reps;
                output.Write($"| rep {reps} | ");
            }

            var nowUs = Math.Max(pair.Estimator.LastTimeUs, 0);
            if (nowUs >= nextUs)
            {
                nextUs = nowUs + 400_000;
                output.Write(string.Create(CultureInfo.InvariantCulture, $"{pair.KneeDeg:F0}{(pair.InRep ? "*" : "")} "));
            }
        });
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final axes (sensor frames): thigh {Format(last?.Estimator.Axes.Thigh)}, shank {Format(last?.Estimator.Axes.Shank)}"));
        return 0;

        static string Format(Vec3? v) => v is { } a ? string.Create(CultureInfo.InvariantCulture, $"({a.X:F2}, {a.Y:F2}, {a.Z:F2})") : "none";
    }

    public static int KneeSim(Dictionary<string, string> options, TextWriter output)
    {
        var firstSeed = int.Parse(options.GetValueOrDefault("first-seed", DefaultFirstSeed.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var subjects = int.Parse(options.GetValueOrDefault("subjects", "10"), CultureInfo.InvariantCulture);
        var results = new List<KneeSimResult>();
        for (var i = 0; i < subjects; i++)
        {
            for (var e = 0; e < SimulatedExercises.Length; e++)
            {
                if (options.TryGetValue("exercise", out var only) && only != SimulatedExercises[e])
                {
                    continue;
                }

                var result = KneeSimResult.Run(SimulatedExercises[e], firstSeed + i, ((firstSeed + i) * 100) + e);
                results.Add(result);
                if (options.ContainsKey("verbose"))
                {
                    output.WriteLine(result with { RomErrorsDeg = [] });
                    output.WriteLine(string.Join(" ", result.RomErrorsDeg.Select(x => x.ToString("F0", CultureInfo.InvariantCulture))));
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Simulated participants {firstSeed}–{firstSeed + subjects - 1}, one set of 10 reps per exercise (typical fault rates), randomly mounted thigh and shank sensors at 25–200 Hz."));
        output.WriteLine();
        output.WriteLine("| exercise | sets | knee RMSE ° (mean / worst set) | knee offset ° (mean \\|·\\|) | rep ROM error ° (mean \\|·\\| / worst) | pair count: mean \\|error\\|, sets within ±1 | thigh within ±1 | shank within ±1 |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Exercise))
        {
            var g = group.ToList();
            var romErrors = g.SelectMany(r => r.RomErrorsDeg).Select(Math.Abs).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} | {g.Count} | {g.Average(r => r.RmseDeg):F1} / {g.Max(r => r.RmseDeg):F1} | {g.Average(r => Math.Abs(r.OffsetDeg)):F1} | {(romErrors.Count == 0 ? double.NaN : romErrors.Average()):F1} / {(romErrors.Count == 0 ? double.NaN : romErrors.Max()):F1} | {g.Average(r => Math.Abs(r.PairReps - r.TrueReps)):F2}, {g.Count(r => Math.Abs(r.PairReps - r.TrueReps) <= 1)} | {g.Count(r => Math.Abs(r.ThighReps - r.TrueReps) <= 1)} | {g.Count(r => Math.Abs(r.ShankReps - r.TrueReps) <= 1)} |"));
        }

        // What a rep's range reads on each source: a target must be set on the angle the participant's reps measure.
        output.WriteLine();
        output.WriteLine("Mean range per rep (°, mean over sets of each set's mean; sets without reps left out): the true knee, then as measured by the pair (rom_kind Knee), the thigh alone (Thigh) and the shank alone (Shank).");
        output.WriteLine();
        output.WriteLine("| exercise | true knee | knee pair | thigh alone | shank alone |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Exercise))
        {
            static string Mean(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average() is var m && double.IsFinite(m) ? m.ToString("F0", CultureInfo.InvariantCulture) : "–";
            output.WriteLine($"| {group.Key} | {Mean(group.Select(r => r.MeanRomDeg.Knee))} | {Mean(group.Select(r => r.MeanRomDeg.Pair))} | {Mean(group.Select(r => r.MeanRomDeg.Thigh))} | {Mean(group.Select(r => r.MeanRomDeg.Shank))} |");
        }

        return 0;
    }

    /// <summary>
    /// Whole simulated circuits (every station, walking, posture changes; one continuous stream per sensor) with a
    /// thigh and a shank: reps counted per set by the knee pair, each sensor alone, and the participant's source
    /// (<see cref="ParticipantRepSource"/>). The exercise comes from the plan at each set's start, as a station plan would.
    /// </summary>
    public static int KneeCircuit(Dictionary<string, string> options, TextWriter output)
    {
        var firstSeed = int.Parse(options.GetValueOrDefault("first-seed", DefaultFirstSeed.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var subjects = int.Parse(options.GetValueOrDefault("subjects", "10"), CultureInfo.InvariantCulture);
        var rows = new List<(string Exercise, int True, int Pair, int Thigh, int Shank)>();
        for (var seed = firstSeed; seed < firstSeed + subjects; seed++)
        {
            var person = ParticipantProfile.Random(seed);
            var session = SimulatedSession.Create(SessionPlan.Circuit(seed), person, seed);
            var thigh = session.Record(SensorSpec.Random(new Random((seed * 31) + 1), Placement.Thigh)).Samples;
            var shank = session.Record(SensorSpec.Random(new Random((seed * 31) + 2), Placement.Shank)).Samples;
            var sets = session.Truth.Segments.Where(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Walking)).ToList();

            var pair = new KneePairClassifier("thigh", "shank", person.Side);
            var pairCounts = CountPerSet(sets, KneePairReplay.InTimeOrder(thigh, shank), pair.SetExercise, (segment, sample) =>
            {
                pair.Add(segment, sample);
                return pair.TryNextRep(null, out var rep) ? rep : null; // reps end well apart: one per sample at most
            });
            int[] Single(IReadOnlyList<ImuSample> samples, Placement placement)
            {
                var classifier = new StreamClassifier(placement.ToString(), placement, person.Side);
                return CountPerSet(sets, samples.Select(x => (placement, x)), classifier.SetExercise, (_, sample) => classifier.Add(sample));
            }

            var thighCounts = Single(thigh, Placement.Thigh);
            var shankCounts = Single(shank, Placement.Shank);
            for (var i = 0; i < sets.Count; i++)
            {
                var set = sets[i];
                var trueReps = session.Truth.Reps.Count(r => r.StartS >= set.StartS - 0.01 && r.EndS <= set.EndS + 0.01);
                rows.Add((set.Exercise, trueReps, pairCounts[i], thighCounts[i], shankCounts[i]));
                if (options.ContainsKey("verbose"))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {set.Exercise} at {set.StartS:F0} s: true {trueReps}, pair {pairCounts[i]}, thigh {thighCounts[i]}, shank {shankCounts[i]}"));
                }
            }

            output.WriteLine($"participant {seed}: {sets.Count} sets");
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Simulated circuits of participants {firstSeed}–{firstSeed + subjects - 1} (SessionPlan.Circuit), one continuous stream per sensor, sets within ±1 of the true count (mean |counted − true|):"));
        output.WriteLine();
        output.WriteLine("| exercise | sets | knee pair | thigh | shank | participant's source | participant |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => r.Exercise))
        {
            var g = group.ToList();
            var source = ParticipantRepSource.For(group.Key);
            string Cell(Func<(string Exercise, int True, int Pair, int Thigh, int Shank), int> counted) => string.Create(CultureInfo.InvariantCulture,
                $"{g.Count(r => Math.Abs(counted(r) - r.True) <= 1)} ({g.Average(r => Math.Abs(counted(r) - r.True)):F1})");
            var participant = Cell(r => source switch { RepSource.KneePair => r.Pair, RepSource.Thigh => r.Thigh, _ => r.Shank });
            output.WriteLine($"| {group.Key} | {g.Count} | {Cell(r => r.Pair)} | {Cell(r => r.Thigh)} | {Cell(r => r.Shank)} | {source} | {participant} |");
        }

        return 0;
    }

    /// <summary>Reps per set: the exercise set from the plan 1 s before each set, a rep counted in the set its end falls in (up to 1.5 s after).</summary>
    private static int[] CountPerSet(List<SegmentTruth> sets, IEnumerable<(Placement Segment, ImuSample Sample)> samples, Action<string> setExercise, Func<Placement, ImuSample, ClassifiedRep?> add)
    {
        var counted = new int[sets.Count];
        var next = 0;
        foreach (var (segment, sample) in samples)
        {
            var t = sample.TimestampUs / 1e6;
            if (next < sets.Count && t >= sets[next].StartS - 1)
            {
                setExercise(sets[next].Exercise);
                next++;
            }

            if (add(segment, sample) is { } rep && rep.Exercise != ExerciseIds.Walking) // a stride is steps, not a rep
            {
                var endS = rep.Measurement.EndUs / 1e6;
                var set = sets.FindIndex(s => endS >= s.StartS && endS <= s.EndS + 1.5);
                if (set >= 0)
                {
                    counted[set]++;
                }
            }
        }

        return counted;
    }
}

/// <summary>One simulated set seen by a knee pair and by each sensor alone, against the motion model's truth.</summary>
/// <param name="MeanRomDeg">Mean range per rep: the true knee's, then as the pair (knee angle), the thigh alone and the shank alone measured it.</param>
internal sealed record KneeSimResult(string Exercise, int TrueReps, int PairReps, int ThighReps, int ShankReps, double RmseDeg, double OffsetDeg, IReadOnlyList<double> RomErrorsDeg,
    (double Knee, double Pair, double Thigh, double Shank) MeanRomDeg)
{
    public static KneeSimResult Run(string exercise, int participantSeed, int sessionSeed)
    {
        var person = ParticipantProfile.Random(participantSeed);
        var session = SimulatedSession.Create(SessionPlan.SingleSet(exercise, 10, FaultRates.Typical), person, sessionSeed);
        var thighSpec = SensorSpec.Random(new Random((sessionSeed * 31) + 1), Placement.Thigh);
        var shankSpec = SensorSpec.Random(new Random((sessionSeed * 31) + 2), Placement.Shank);
        var thigh = session.Record(thighSpec).Samples;
        var shank = session.Record(shankSpec).Samples;

        // The knee angle at every paired sample against the true one (tremor included: the sensors see it).
        var estimator = new KneeAngleEstimator(person.Side);
        var errors = new List<double>();
        foreach (var (segment, sample) in KneePairReplay.InTimeOrder(thigh, shank))
        {
            estimator.Add(segment, sample);

            while (estimator.TryRead(out var knee))
            {
                errors.Add(knee.KneeDeg - session.Leg.PoseAt(knee.TimeUs / 1e6).Angles.KneeFlexDeg);
            }
        }

        var offset = errors.Average();
        var rmse = Math.Sqrt(errors.Average(e => (e - offset) * (e - offset)));
        var pairReps = KneePairReplay.Run(thigh, shank, "thigh", "shank", person.Side, exercise, null, null).Reps;
        var thighReps = RecordingReplay.Run(thigh, "thigh", Placement.Thigh, person.Side, exercise, null, null).Reps;
        var shankReps = RecordingReplay.Run(shank, "shank", Placement.Shank, person.Side, exercise, null, null).Reps;

        // Each true rep's knee range against the detected rep that overlaps it most (unmatched true reps are count errors, not ROM errors).
        var romErrors = new List<double>();
        foreach (var truth in session.Truth.Reps)
        {
            var best = pairReps.MaxBy(r => Overlap(r.Measurement.StartUs / 1e6, r.Measurement.EndUs / 1e6, truth.StartS, truth.EndS));
            if (best is not null && Overlap(best.Measurement.StartUs / 1e6, best.Measurement.EndUs / 1e6, truth.StartS, truth.EndS) > 0)
            {
                romErrors.Add(best.Measurement.RomDeg - KneeRange(session, truth.StartS, truth.EndS));
            }
        }

        static double Mean(IReadOnlyList<ClassifiedRep> reps) => reps.Count == 0 ? double.NaN : reps.Average(r => r.Measurement.RomDeg);
        var trueKnee = session.Truth.Reps.Count == 0 ? double.NaN : session.Truth.Reps.Average(t => KneeRange(session, t.StartS, t.EndS));
        return new KneeSimResult(exercise, session.Truth.Reps.Count, pairReps.Count, thighReps.Count, shankReps.Count, rmse, offset, romErrors,
            (trueKnee, Mean(pairReps), Mean(thighReps), Mean(shankReps)));
    }

    private static double Overlap(double a0, double a1, double b0, double b1) => Math.Min(a1, b1) - Math.Max(a0, b0);

    private static double KneeRange(SimulatedSession session, double startS, double endS)
    {
        double min = double.MaxValue, max = double.MinValue;
        for (var t = startS; t <= endS; t += 0.01)
        {
            var knee = session.Leg.PoseAt(t).Angles.KneeFlexDeg;
            min = Math.Min(min, knee);
            max = Math.Max(max, knee);
        }

        return max - min;
    }
}
