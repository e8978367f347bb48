using System.Globalization;
using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Tools.Replay;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Tools.Commands;

/// <summary>
/// <c>evaluate</c>: every figure cross-subject on the real recordings (docs/accuracy.md). A rule is chosen on one
/// UCI subject and reported on the other, both ways; each participant is replayed through the live path
/// (<see cref="RecordingReplay"/> over a <see cref="ParticipantClassifier"/>).
/// </summary>
internal static class EvaluateCommand
{
    public static readonly string[] Subjects = ["s1", "s2"];

    private static readonly RepSource[] Sources = [RepSource.KneePair, RepSource.Thigh, RepSource.Shank];

    // On a tie the earlier wins: first the baselines that do not rest on the first reps being good (issue 13, part 5).
    private static readonly RangeBaseline[] Baselines = [RangeBaseline.BestSoFar, RangeBaseline.MedianSoFar, RangeBaseline.FirstReps];

    private const int TrueReps = 3 * UciSessionResult.TestSessionRepsPerBlock;

    public static int Run(string dataDir, TextWriter output)
    {
        var recognition = new ExerciseRecognition(new RecognitionOptions());
        if (recognition.Model is null)
        {
            throw new ArgumentException($"exercise recognition model '{new RecognitionOptions().ResolvedModelPath}' does not exist");
        }

        Func<RosterEntry, ExerciseRecognizer> recognizers = e => recognition.CreateRecognizer(e.Placement, e.Side);
        IReadOnlyList<ImuSample> Read(string subject, string session, string unit) =>
            UciPhysicalTherapyFile.Read(Path.Combine(dataDir, "uci-physical-therapy", subject, session, unit, "test.txt")).EnsureValid().Samples;

        // Every subject, session, candidate source and range baseline, for a participant wearing the right thigh (u3)
        // and shank (u2); and each sensor alone.
        var pair = new Dictionary<(string Subject, string Session, RepSource Source, RangeBaseline Baseline), Scored>();
        var single = new Dictionary<(string Subject, string Session, string Unit, RangeBaseline Baseline), Scored>();
        foreach (var subject in Subjects)
        {
            foreach (var (session, exercise) in UciExercises.Map)
            {
                var thigh = new SensorRecording("u3", Placement.Thigh, Side.Right, Read(subject, session, "u3"));
                var shank = new SensorRecording("u2", Placement.Shank, Side.Right, Read(subject, session, "u2"));
                foreach (var baseline in Baselines)
                {
                    foreach (var source in Sources)
                    {
                        pair[(subject, session, source, baseline)] = Score(RecordingReplay.Run([thigh, shank], exercise, null, null, recognizers, _ => source, baseline), exercise, "u3+u2");
                    }

                    foreach (var one in new[] { shank, thigh })
                    {
                        single[(subject, session, one.Sensor, baseline)] = Score(RecordingReplay.Run([one], exercise, null, null, recognizers, rangeBaseline: baseline), exercise, one.Sensor);
                    }
                }
            }
        }

        // The rules, chosen on one subject: the range baseline (flags over every stream and pair), then per exercise
        // the source that counts best (count error first, then flags).
        double BaselineCost(string subject, RangeBaseline b) =>
            single.Where(x => x.Key.Subject == subject && x.Key.Baseline == b).Sum(x => x.Value.Cost) + pair.Where(x => x.Key.Subject == subject && x.Key.Baseline == b).Sum(x => x.Value.Cost);
        RangeBaseline BaselineOn(string subject) => Baselines.MinBy(b => BaselineCost(subject, b));
        RepSource SourceOn(string subject, string exercise) => Sources.MinBy(source =>
            UciExercises.Map.Where(m => m.Exercise == exercise).Sum(m => pair[(subject, m.Folder, source, BaselineOn(subject))].Cost))!;
        var exercises = UciExercises.Map.Select(m => m.Exercise).Distinct().ToList();

        output.WriteLine("Rules, each chosen on one subject and reported on the other.");
        output.WriteLine();
        output.WriteLine("| rule | chosen on s1 | chosen on s2 | shipped |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine($"| partial_range baseline (no target) | {BaselineOn("s1")} | {BaselineOn("s2")} | {FormAssessor.ShippedRangeBaseline} |");
        foreach (var baseline in Baselines)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| … cost of {baseline} (count ×10 + 2 − F1s, summed) | {BaselineCost("s1", baseline):F3} | {BaselineCost("s2", baseline):F3} | |"));
        }

        foreach (var exercise in exercises)
        {
            output.WriteLine($"| {exercise}: source for thigh + shank | {SourceOn("s1", exercise)} | {SourceOn("s2", exercise)} | {ParticipantRepSource.For(exercise)} |");
        }

        var heldOut = new List<Scored>();
        output.WriteLine();
        output.WriteLine("Held out, thigh + shank: the rules chosen on the other subject; station plan = the session's exercise, recognition on.");
        output.WriteLine();
        output.WriteLine("| held-out session | rules chosen on | source | reps (of 30) | too_fast P / R / F1 | partial_range P / R / F1 | reps with a looks_like note |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var subject in Subjects)
        {
            var other = Subjects.Single(s => s != subject);
            foreach (var (session, exercise) in UciExercises.Map)
            {
                var source = SourceOn(other, exercise);
                var scored = pair[(subject, session, source, BaselineOn(other))];
                heldOut.Add(scored);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {subject}/{session} {exercise} | {other} | {source} | {scored.Result.Reps} | {Flag(scored.Result.TooFast)} | {Flag(scored.Result.PartialRange)} | {scored.Summary.Reps.Count(r => r.LooksLike is not null)} |"));
            }
        }

        var heldOutSingle = new List<Scored>();
        output.WriteLine();
        output.WriteLine("Held out, one sensor (a participant wearing only it): the baseline chosen on the other subject. The segmentation's constants were set on s1 in earlier sessions, so for them only s2 is held out.");
        output.WriteLine();
        output.WriteLine("| held-out session | sensor | reps (of 30) | too_fast P / R / F1 | partial_range P / R / F1 |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var subject in Subjects)
        {
            var other = Subjects.Single(s => s != subject);
            foreach (var (session, exercise) in UciExercises.Map)
            {
                foreach (var unit in new[] { "u2", "u3" })
                {
                    var scored = single[(subject, session, unit, BaselineOn(other))];
                    heldOutSingle.Add(scored);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {subject}/{session} {exercise} | {unit} {(unit == "u2" ? "shank" : "thigh")} | {scored.Result.Reps} | {Flag(scored.Result.TooFast)} | {Flag(scored.Result.PartialRange)} |"));
                }
            }
        }

        output.WriteLine();
        output.WriteLine("Shipped rules on both subjects (what the tests assert where the targets are met): thigh + shank, and each sensor alone.");
        output.WriteLine();
        output.WriteLine("| session | worn | reps (of 30) | too_fast F1 | partial_range F1 |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var subject in Subjects)
        {
            foreach (var (session, exercise) in UciExercises.Map)
            {
                foreach (var (worn, scored) in new[]
                {
                    ($"u3+u2 ({ParticipantRepSource.For(exercise)})", pair[(subject, session, ParticipantRepSource.For(exercise), FormAssessor.ShippedRangeBaseline)]),
                    ("u2 shank", single[(subject, session, "u2", FormAssessor.ShippedRangeBaseline)]),
                    ("u3 thigh", single[(subject, session, "u3", FormAssessor.ShippedRangeBaseline)]),
                })
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {subject}/{session} {exercise} | {worn} | {scored.Result.Reps} | {scored.Result.TooFast.F1:F2} | {scored.Result.PartialRange.F1:F2} |"));
                }
            }
        }

        // Without a plan: the recogniser names the exercise (trained on simulated people only: both subjects are held out).
        var named = new List<(int Right, int All, int Reps)>();
        output.WriteLine();
        output.WriteLine("No station plan: the recogniser names the exercise (trained on simulated people only; both subjects held out). Thigh + shank, shipped sources.");
        output.WriteLine();
        output.WriteLine("| session | reps (of 30) | reps named right | exercises named |");
        output.WriteLine("|---|---|---|---|");
        foreach (var subject in Subjects)
        {
            foreach (var (session, exercise) in UciExercises.Map)
            {
                var recordings = new[] { new SensorRecording("u3", Placement.Thigh, Side.Right, Read(subject, session, "u3")), new SensorRecording("u2", Placement.Shank, Side.Right, Read(subject, session, "u2")) };
                var summary = RecordingReplay.Run(recordings, null, null, null, recognizers);
                var right = summary.Reps.Count(r => r.Exercise == exercise);
                named.Add((right, summary.Reps.Count, summary.Reps.Count));
                var names = string.Join(", ", summary.Reps.GroupBy(r => r.Exercise).Select(g => $"{g.Key} {g.Count()}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {subject}/{session} {exercise} | {summary.Reps.Count} | {right} | {names} |"));
            }
        }

        // The leg that does not exercise (u1 left shank, u4 left thigh): no reps. A range gate chosen on each subject,
        // tried on the other: what it removes there from the resting leg, and what it costs the exercising one.
        var gates = Subjects.ToDictionary(s => s, s => ChooseRangeGates(s, recognizers, Read));
        PrintRangeGates(gates, output);
        var stillReps = 0;
        output.WriteLine("| held-out session | gates chosen on | resting leg u4 + u1: reps shipped / with the gates | u1 alone | u4 alone | exercising leg u3 + u2, u2, u3: reps shipped / with the gates |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var subject in Subjects)
        {
            var other = Subjects.Single(s => s != subject);
            foreach (var (session, exercise) in UciExercises.Map)
            {
                SensorRecording Worn(string unit, Placement placement, Side side) => new(unit, placement, side, Read(subject, session, unit));
                int Count(SensorRecording[] worn, RepPlausibility rules) => RecordingReplay.Run(worn, exercise, null, null, recognizers, plausibility: rules).Reps.Count;
                string Both(SensorRecording[] worn) => $"{Count(worn, RepPlausibility.Shipped)} / {Count(worn, gates[other])}";
                var (stillThigh, stillShank) = (Worn("u4", Placement.Thigh, Side.Left), Worn("u1", Placement.Shank, Side.Left));
                var (thigh, shank) = (Worn("u3", Placement.Thigh, Side.Right), Worn("u2", Placement.Shank, Side.Right));
                stillReps += Count([stillThigh, stillShank], RepPlausibility.Shipped);
                output.WriteLine($"| {subject}/{session} | {other} | {Both([stillThigh, stillShank])} | {Both([stillShank])} | {Both([stillThigh])} | {Both([thigh, shank])}, {Both([shank])}, {Both([thigh])} |");
            }
        }

        var walkingReps = WalkingAtAStation(dataDir, recognizers, Read, output);
        var steps = Steps(dataDir, output);

        output.WriteLine();
        output.WriteLine("Headline (held out only):");
        output.WriteLine();
        output.WriteLine("| measure | thigh + shank, rules chosen on the other subject (8 sets) | one sensor, rules chosen on the other subject (16 streams) | target |");
        output.WriteLine("|---|---|---|---|");
        var s2Single = heldOutSingle;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sets within ±1 | {Within(heldOut)} | {Within(s2Single)} | ≥ 95 % |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| mean absolute error, reps per set | {heldOut.Average(s => Math.Abs(s.Result.Reps - TrueReps)):F2} | {s2Single.Average(s => Math.Abs(s.Result.Reps - TrueReps)):F2} | ≤ 0.5 |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| too_fast F1 (pooled) | {Pooled(heldOut, r => r.TooFast):F2} | {Pooled(s2Single, r => r.TooFast):F2} | ≥ 0.9 |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| partial_range F1 (pooled) | {Pooled(heldOut, r => r.PartialRange):F2} | {Pooled(s2Single, r => r.PartialRange):F2} | ≥ 0.9 |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| exercise named right, no plan (reps, both subjects) | {100.0 * named.Sum(n => n.Right) / Math.Max(1, named.Sum(n => n.All)):F0} % | | ≥ 90 % |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| reps counted on the leg that does not exercise (thigh + shank, 8 sessions; no range gate transfers between the subjects) | {stillReps} | | 0 |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| reps counted while walking at a knee-extension station, {walkingReps.Walks} pocket walks (~{walkingReps.Strides} strides), stride rule chosen on the other person | {walkingReps.Reps} | | 0 |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| steps, total error over {steps.Walks} walks / worst walk | {steps.TotalErrorPct:+0.0;-0.0;0.0} % / {steps.WorstPct:+0.0;-0.0;0.0} % | | ≤ 1 % / within 3 % |"));
        return 0;

        static string Within(List<Scored> sets) => string.Create(CultureInfo.InvariantCulture, $"{sets.Count(s => Math.Abs(s.Result.Reps - TrueReps) <= 1)} of {sets.Count}");
    }

    private static readonly StrideRule[] StrideRules = [.. from steps in new[] { 2, 3, 4 } from peak in new[] { 1.0, 1.5, 2.5 } from maxS in new[] { 0, 1.2, 1.5 } select new StrideRule(steps, peak, maxS)];

    /// <summary>
    /// Real walking at a station: each Oxford pocket walk (a phone in a trouser pocket sits on the thigh; accelerometer
    /// only) replayed as a participant's thigh sensor under a knee-extension plan, recogniser on. Every rep counted is
    /// a false rep. The stride rule (<see cref="StrideDetector"/>) is chosen on one Oxford person's walks together with
    /// one UCI subject's sessions (which must keep their 30 reps: each sensor alone, and the pair), and reported on the
    /// other person and subject: Jamie with s1, Carmelo with s2, both ways.
    /// </summary>
    private static (int Walks, int Strides, int Reps) WalkingAtAStation(string dataDir, Func<RosterEntry, ExerciseRecognizer> recognizers,
        Func<string, string, string, IReadOnlyList<ImuSample>> read, TextWriter output)
    {
        var walks = Directory.GetDirectories(Path.Combine(dataDir, "oxford-step-counter")).Where(w => w.Contains("Pocket", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var walkReps = new Dictionary<(string Walk, StrideRule Rule), int>();
        var strides = 0;
        foreach (var walk in walks)
        {
            var thigh = new SensorRecording("phone", Placement.Thigh, Side.Right, OxfordRecording.ReadAccelerometer(Path.Combine(walk, "accelerometer.csv")));
            strides += (int)(OxfordRecording.ReadTrueSteps(Path.Combine(walk, "stepcounter.csv")) / 2);
            foreach (var rule in StrideRules)
            {
                walkReps[(walk, rule)] = RecordingReplay.Run([thigh], ExerciseIds.KneeExtension, null, null, recognizers, plausibility: RepPlausibility.None with { Stride = rule }).Reps.Count;
            }
        }

        var lostReps = new Dictionary<(string Subject, StrideRule Rule), int>();
        foreach (var subject in Subjects)
        {
            foreach (var (session, exercise) in UciExercises.Map)
            {
                var thigh = new SensorRecording("u3", Placement.Thigh, Side.Right, read(subject, session, "u3"));
                var shank = new SensorRecording("u2", Placement.Shank, Side.Right, read(subject, session, "u2"));
                foreach (var rule in StrideRules.Append(RepPlausibility.None.Stride))
                {
                    var counts = new[] { [thigh, shank], new[] { thigh }, [shank] }.Select(worn => RecordingReplay.Run(worn, exercise, null, null, recognizers, plausibility: RepPlausibility.None with { Stride = rule }).Reps.Count);
                    lostReps[(subject, rule)] = lostReps.GetValueOrDefault((subject, rule)) + counts.Sum(c => Math.Abs(c - TrueReps));
                }
            }
        }

        static string Person(string walk) => Path.GetFileName(walk).Split('_')[1];
        var pairs = new Dictionary<string, string> { ["Jamie"] = "s1", ["Carmelo"] = "s2" };
        StrideRule ChooseOn(string person) => StrideRules.MinBy(rule => walks.Where(w => Person(w) == person).Sum(w => walkReps[(w, rule)]) + lostReps[(pairs[person], rule)]);

        output.WriteLine();
        output.WriteLine("Walking at a station: Oxford pocket walks replayed as a thigh sensor under a knee-extension plan (every rep is false). The stride rule (steps at a walking cadence within a rep, heel-strike peak) is chosen on one person's walks with one UCI subject's sessions (Jamie with s1, Carmelo with s2; count error summed over thigh + shank, thigh, shank), and reported on the other.");
        output.WriteLine();
        output.WriteLine("| chosen on | stride rule (min steps, min peak m/s², max stride s or 0) | UCI count error summed there |");
        output.WriteLine("|---|---|---|");
        foreach (var (person, subject) in pairs)
        {
            var rule = ChooseOn(person);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {person} + {subject} | {rule.MinSteps}, {rule.MinStepPeakMs2:F1}, {rule.MaxStrideS:F1} | {lostReps[(subject, rule)]} |"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| no rule | — | s1 {lostReps[("s1", RepPlausibility.None.Stride)]}, s2 {lostReps[("s2", RepPlausibility.None.Stride)]} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| shipped | {StrideRule.Shipped.MinSteps}, {StrideRule.Shipped.MinStepPeakMs2:F1}, {StrideRule.Shipped.MaxStrideS:F1} | s1 {lostReps[("s1", StrideRule.Shipped)]}, s2 {lostReps[("s2", StrideRule.Shipped)]} |"));
        output.WriteLine();
        output.WriteLine("| held-out walk | rule chosen on | reps counted (no rule) | reps counted (held-out rule) | UCI count error on the held-out subject |");
        output.WriteLine("|---|---|---|---|---|");
        var heldOut = 0;
        foreach (var walk in walks)
        {
            var other = pairs.Keys.Single(p => p != Person(walk));
            var rule = ChooseOn(other);
            var before = RecordingReplay.Run([new SensorRecording("phone", Placement.Thigh, Side.Right, OxfordRecording.ReadAccelerometer(Path.Combine(walk, "accelerometer.csv")))], ExerciseIds.KneeExtension, null, null, recognizers, plausibility: RepPlausibility.None).Reps.Count;
            heldOut += walkReps[(walk, rule)];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Path.GetFileName(walk)} | {other} + {pairs[other]} | {before} | {walkReps[(walk, rule)]} | {pairs[Person(walk)]}: {lostReps[(pairs[Person(walk)], rule)]} |"));
        }

        return (walks.Count, strides, heldOut);
    }

    private static readonly RangeGate[] RangeGates = [.. from rom in new[] { 0.0, 5, 10, 15, 20, 30 } from quicker in new[] { 0, 1.0, 1.5, 2.0 } select new RangeGate(rom, quicker)];

    private static readonly (string Exercise, Placement Placement)[] MinRomKeys =
        [.. from exercise in UciExercises.Map.Select(m => m.Exercise).Distinct() from placement in new[] { Placement.Shank, Placement.Thigh } select (exercise, placement)];

    /// <summary>
    /// The range gate per exercise and placement, chosen on one subject: the candidate with the fewest reps wrong there
    /// (the exercising leg's sensor off 30, plus every rep of the resting leg's sensor at the same placement), the one
    /// that rules out least on a tie (so a subject with nothing to rule out chooses no gate). Each sensor alone,
    /// station plan = the session's exercise. Counts under each gate come from one run without it: the gate only
    /// drops reps, it does not change the segmentation.
    /// </summary>
    private static RepPlausibility ChooseRangeGates(string subject, Func<RosterEntry, ExerciseRecognizer> recognizers, Func<string, string, string, IReadOnlyList<ImuSample>> read)
    {
        var chosen = new Dictionary<(string, Placement), RangeGate>();
        var ungated = RepPlausibility.None with { Stride = StrideRule.Shipped };
        foreach (var (exercise, placement) in MinRomKeys)
        {
            var (moving, still) = placement == Placement.Shank ? ("u2", "u1") : ("u3", "u4");
            var runs = UciExercises.Map.Where(m => m.Exercise == exercise).Select(m => m.Folder).Select(session => (
                Moving: RecordingReplay.Run([new SensorRecording(moving, placement, Side.Right, read(subject, session, moving))], exercise, null, null, recognizers, plausibility: ungated).Reps,
                Still: RecordingReplay.Run([new SensorRecording(still, placement, Side.Left, read(subject, session, still))], exercise, null, null, recognizers, plausibility: ungated).Reps)).ToList();
            chosen[(exercise, placement)] = RangeGates
                .Select(gate => (Gate: gate, Wrong: runs.Sum(r => Math.Abs(r.Moving.Count(x => !gate.Rejects(x.Measurement)) - TrueReps) + r.Still.Count(x => !gate.Rejects(x.Measurement)))))
                .OrderBy(c => c.Wrong).ThenBy(c => c.Gate.MinRomDeg).ThenBy(c => c.Gate.QuickerThanS <= 0 ? double.MaxValue : c.Gate.QuickerThanS).First().Gate;
        }

        return RepPlausibility.Shipped with { MinRom = chosen };
    }

    private static void PrintRangeGates(Dictionary<string, RepPlausibility> gates, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("The leg that does not exercise: every rep is false. Range gate (a rep smaller than this, and quicker where a duration is given, is not counted) at the sensor that counts it, chosen on each subject (fewest reps wrong: the exercising leg's sensor off 30, plus every rep of the resting leg's; the one that rules out least on a tie), then tried on the other.");
        output.WriteLine();
        output.WriteLine("| exercise, placement | chosen on s1 | chosen on s2 | shipped |");
        output.WriteLine("|---|---|---|---|");
        foreach (var (exercise, placement) in MinRomKeys)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {exercise}, {placement} | {gates["s1"].MinRomFor(exercise, placement)} | {gates["s2"].MinRomFor(exercise, placement)} | {RepPlausibility.Shipped.MinRomFor(exercise, placement)} |"));
        }

        output.WriteLine();
    }

    private static readonly double[] PeakFractions = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

    /// <summary>
    /// Steps on every Oxford walk: the step counter's peak fraction chosen on one person's six walks (smallest summed
    /// absolute error) and reported on the other's, both ways.
    /// </summary>
    private static (int Walks, double TotalErrorPct, double WorstPct) Steps(string dataDir, TextWriter output)
    {
        var walks = Directory.GetDirectories(Path.Combine(dataDir, "oxford-step-counter")).Order(StringComparer.Ordinal).ToList();
        var truth = walks.ToDictionary(w => w, w => OxfordRecording.ReadTrueSteps(Path.Combine(w, "stepcounter.csv")));
        var published = walks.ToDictionary(w => w, w => OxfordRecording.ReadTrueSteps(Path.Combine(w, "stepcounter.csv"), TimeSpan.Zero));
        var counted = new Dictionary<(string Walk, double Fraction), long>();
        foreach (var walk in walks)
        {
            var samples = OxfordRecording.ReadAccelerometer(Path.Combine(walk, "accelerometer.csv"));
            foreach (var fraction in PeakFractions)
            {
                var counter = new StepCounter(fraction);
                foreach (var sample in samples)
                {
                    counter.Add(sample);
                }

                counted[(walk, fraction)] = counter.Steps;
            }
        }

        static string Person(string walk) => Path.GetFileName(walk).Split('_')[1];
        var people = walks.Select(Person).Distinct().Order(StringComparer.Ordinal).ToList();
        double ChooseOn(string person) => PeakFractions.MinBy(f => walks.Where(w => Person(w) == person).Sum(w => Math.Abs(counted[(w, f)] - truth[w])));

        output.WriteLine();
        output.WriteLine("Steps: the peak fraction chosen on one person's six walks, reported on the other's.");
        output.WriteLine();
        output.WriteLine("| person | peak fraction chosen on them | shipped |");
        output.WriteLine("|---|---|---|");
        foreach (var person in people)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {person} | {ChooseOn(person):F2} | {StepCounter.ShippedPeakFraction:F2} |"));
        }

        output.WriteLine();
        output.WriteLine("Truth: the foot switches' steps, a switch closing again within 0.3 s of its last step not counted (the published count, every closing, in brackets).");
        output.WriteLine();
        output.WriteLine("| held-out Oxford walk | fraction (chosen on) | steps | truth (published) | error | shipped rule: steps, error |");
        output.WriteLine("|---|---|---|---|---|---|");
        long heldOutCounted = 0, heldOutTruth = 0;
        var worst = 0.0;
        foreach (var walk in walks)
        {
            var other = people.Single(p => p != Person(walk));
            var fraction = ChooseOn(other);
            var steps = counted[(walk, fraction)];
            var errorPct = 100.0 * (steps - truth[walk]) / truth[walk];
            var shipped = counted[(walk, StepCounter.ShippedPeakFraction)];
            worst = Math.Abs(errorPct) > Math.Abs(worst) ? errorPct : worst;
            heldOutCounted += steps;
            heldOutTruth += truth[walk];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Path.GetFileName(walk)} | {fraction:F2} ({other}) | {steps} | {truth[walk]} ({published[walk]}) | {errorPct:+0.0;-0.0;0.0} % | {shipped}, {100.0 * (shipped - truth[walk]) / truth[walk]:+0.0;-0.0;0.0} % |"));
        }

        return (walks.Count, 100.0 * (heldOutCounted - heldOutTruth) / heldOutTruth, worst);
    }

    private static Scored Score(ReplaySummary summary, string exercise, string unit) => new(UciSessionResult.Score(summary.Reps, exercise, unit), summary);

    private static string Flag(FlagScore f) => string.Create(CultureInfo.InvariantCulture, $"{f.Precision:F2} / {f.Recall:F2} / {f.F1:F2}");

    private static double Pooled(List<Scored> sets, Func<UciSessionResult, FlagScore> flag)
    {
        var pooled = new FlagScore(sets.Sum(s => flag(s.Result).TruePositives), sets.Sum(s => flag(s.Result).FalsePositives), sets.Sum(s => flag(s.Result).FalseNegatives));
        return pooled.F1;
    }

    private sealed record Scored(UciSessionResult Result, ReplaySummary Summary)
    {
        /// <summary>For choosing a rule: the count first, then the two flags.</summary>
        public double Cost => (10 * Math.Abs(Result.Reps - Result.TrueReps)) + (2 - Result.TooFast.F1 - Result.PartialRange.F1);
    }
}
