using System.Globalization;
using System.Text.RegularExpressions;
using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Tools.Replay;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Tools.Commands;

/// <summary>
/// <c>evaluate-knee &lt;cmu-lower-limb dir&gt;</c>: the pair's knee angle against the recording's reference knee angle
/// (docs/accuracy.md, "Real recording: knee range per rep against a reference knee angle"). Each set's rep files
/// are stitched in time order into one stream per sensor, as live: the pauses cut out between reps are closed (the
/// next rep starts one sample period after the previous one ends). The standing pose (<c>Pose</c>, the same
/// session's calibration trial) is put in front of each set unless <c>--pose no</c>, with a pause of
/// <see cref="PoseGap"/> before the set: the knee angle restarts there (a gap), as it would after a participant stood
/// still and then walked to a station. A rep's range is max − min of knee flexion over the rep's samples, for the
/// reference and for the pair's estimate alike.
/// </summary>
internal static partial class KneeEvaluationCommand
{
    public const string Name = "evaluate-knee";

    public const string Usage = """
          evaluate-knee <cmu-lower-limb-dir> [--pose yes|no]   (knee range per rep against the reference joint angle)
        """;

    private const string Thigh = "RightThigh";
    private const string Shank = "RightShank";
    private const string ReferenceJoint = "RightKneeAngle";
    private const string PoseExercise = "Pose";

    /// <summary>The movements the estimator's parameters were chosen on (docs/accuracy.md); the others are held out.</summary>
    private static readonly string[] TuningMovements = ["DeclineSq", "SqSL", "StepDnH"];
    private const long SamplePeriodUs = 10_000; // 100 Hz

    /// <summary>Longer than the estimator's gap limit, so the set starts afresh from gravity (joining two trials with no gap would show a jump the gyroscopes never saw).</summary>
    private static readonly TimeSpan PoseGap = TimeSpan.FromSeconds(1);

    public static int Run(string dataDir, Dictionary<string, string> options, TextWriter output)
    {
        var imuDir = Path.Combine(dataDir, "imu");
        if (!Directory.Exists(imuDir))
        {
            throw new ArgumentException($"{dataDir}: no imu/ folder (expected the cmu-lower-limb layout)");
        }

        var pose = options.GetValueOrDefault("pose", "yes") switch
        {
            "yes" => true,
            "no" => false,
            var other => throw new ArgumentException($"unknown --pose '{other}'; expected yes or no"),
        }
            ? ReadSets(dataDir, PoseExercise).SelectMany(s => s.Reps).FirstOrDefault()
            : null;
        var results = new List<RepResult>();
        var notes = new List<string>();
        output.WriteLine("| movement | set | rep | reference range ° | measured range ° | error ° |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var exercise in Directory.GetDirectories(imuDir).Select(Path.GetFileName).OfType<string>().Where(e => e != PoseExercise).Order(StringComparer.Ordinal))
        {
            foreach (var set in ReadSets(dataDir, exercise))
            {
                foreach (var r in EvaluateSet(set, pose, notes))
                {
                    results.Add(r);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {r.Exercise} | {r.Set} | {r.Rep} | {r.ReferenceRangeDeg:F1} | {r.MeasuredRangeDeg:F1} | {Signed(r.ErrorDeg)} |"));
                }
            }
        }

        output.WriteLine();
        output.WriteLine($"Standing pose before each set: {(pose is null ? "no" : "yes")}.");
        notes.ForEach(output.WriteLine);
        output.WriteLine();
        output.WriteLine("| movement | reps | range RMSE ° | range bias ° | angle RMSE ° (offset removed) |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Exercise))
        {
            output.WriteLine(Row(group.Key, [.. group]));
        }

        output.WriteLine(Row($"**tuning** ({string.Join(", ", TuningMovements)})", [.. results.Where(r => TuningMovements.Contains(r.Exercise))]));
        output.WriteLine(Row("**held out** (the others)", [.. results.Where(r => !TuningMovements.Contains(r.Exercise))]));
        output.WriteLine(Row("**all**", results));
        return 0;

        static string Row(string name, IReadOnlyList<RepResult> reps) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {reps.Count} | {Math.Sqrt(reps.Average(r => r.ErrorDeg * r.ErrorDeg)):F1} | {Signed(reps.Average(r => r.ErrorDeg))} | {AngleRmse(reps):F1} |");
    }

    private static string Signed(double value) => (Math.Round(value, 1) > 0 ? "+" : "") + value.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>RMSE of the sampled angle after removing each set's mean offset (the zero depends on the mounting).</summary>
    private static double AngleRmse(IReadOnlyList<RepResult> reps)
    {
        var squares = 0.0;
        var n = 0;
        foreach (var set in reps.GroupBy(r => r.Set))
        {
            var errors = set.SelectMany(r => r.AngleErrorsDeg).ToList();
            var offset = errors.Count > 0 ? errors.Average() : 0;
            squares += errors.Sum(e => (e - offset) * (e - offset));
            n += errors.Count;
        }

        return n > 0 ? Math.Sqrt(squares / n) : double.NaN;
    }

    private static IEnumerable<RepResult> EvaluateSet(RecordedSet set, RecordedRep? pose, List<string> notes)
    {
        // Stitch: each rep shifted to start one sample period after the previous one's end (the pose first).
        var thigh = new List<ImuSample>();
        var shank = new List<ImuSample>();
        var spans = new List<(RecordedRep Rep, long ShiftUs, long FromUs, long ToUs)>();
        var endUs = long.MinValue;
        foreach (var rep in pose is null ? set.Reps : [pose, .. set.Reps])
        {
            var startUs = Math.Min(rep.Thigh[0].TimestampUs, rep.Shank[0].TimestampUs);
            var pauseUs = ReferenceEquals(spans.LastOrDefault().Rep, pose) ? (long)(PoseGap.TotalMilliseconds * 1000) : SamplePeriodUs;
            var shiftUs = endUs == long.MinValue ? 0 : endUs + pauseUs - startUs;
            thigh.AddRange(rep.Thigh.Select(s => s with { TimestampUs = s.TimestampUs + shiftUs }));
            shank.AddRange(rep.Shank.Select(s => s with { TimestampUs = s.TimestampUs + shiftUs }));
            endUs = Math.Max(thigh[^1].TimestampUs, shank[^1].TimestampUs);
            spans.Add((rep, shiftUs, startUs + shiftUs, endUs));
        }

        var knee = new List<(long TimeUs, double KneeDeg)>();
        KneePairClassifier? last = null;
        KneePairReplay.Run(thigh, shank, Thigh, Shank, Side.Right, null, null, null, pair =>
        {
            last = pair;
            if (pair.Estimator.LastTimeUs != long.MinValue && (knee.Count == 0 || knee[^1].TimeUs != pair.Estimator.LastTimeUs))
            {
                knee.Add((pair.Estimator.LastTimeUs, pair.KneeDeg));
            }
        });

        if (last is not null)
        {
            var (thighAxis, shankAxis) = last.Estimator.Axes;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{set.Name}: hinge axis in the thigh sensor ({thighAxis.X:F2}, {thighAxis.Y:F2}, {thighAxis.Z:F2}), in the shank sensor ({shankAxis.X:F2}, {shankAxis.Y:F2}, {shankAxis.Z:F2})"));
        }

        foreach (var (rep, shiftUs, fromUs, toUs) in spans)
        {
            if (ReferenceEquals(rep, pose))
            {
                continue;
            }

            var measured = knee.Where(k => k.TimeUs >= fromUs && k.TimeUs <= toUs).ToList();
            // The reference's flexion is negative (its X axis points the other way): compare magnitudes of flexion.
            var reference = rep.ReferenceDeg.Select(x => -x).ToList();
            var errors = new List<double>();
            var j = 0;
            for (var i = 0; i < reference.Count && i < rep.Thigh.Count; i++)
            {
                var t = rep.Thigh[i].TimestampUs + shiftUs;
                while (j < measured.Count - 1 && measured[j].TimeUs < t)
                {
                    j++;
                }

                if (measured.Count > 0 && Math.Abs(measured[j].TimeUs - t) <= SamplePeriodUs)
                {
                    errors.Add(measured[j].KneeDeg - reference[i]);
                }
            }

            var measuredRange = measured.Count > 0 ? measured.Max(k => k.KneeDeg) - measured.Min(k => k.KneeDeg) : double.NaN;
            yield return new RepResult(set.Exercise, set.Name, rep.Index, reference.Max() - reference.Min(), measuredRange, errors);
        }
    }

    private static List<RecordedSet> ReadSets(string dataDir, string exercise)
    {
        var sets = new Dictionary<string, List<RecordedRep>>();
        foreach (var path in Directory.GetFiles(Path.Combine(dataDir, "imu", exercise), "*.csv"))
        {
            var match = RepFileName().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                continue;
            }

            var anglePath = Path.Combine(dataDir, "joint_angles", exercise, Path.GetFileName(path));
            var (reference, errors) = CmuLowerLimbFile.ReadColumn(anglePath, ReferenceJoint, "X");
            if (errors.Count > 0)
            {
                throw new RecordingFormatException(anglePath, errors);
            }

            var rep = new RecordedRep(
                int.Parse(match.Groups["rep"].Value, CultureInfo.InvariantCulture),
                CmuLowerLimbFile.ReadImu(path, Thigh).EnsureValid().Samples,
                CmuLowerLimbFile.ReadImu(path, Shank).EnsureValid().Samples,
                reference);
            if (rep.Thigh.Count == 0 || rep.Shank.Count == 0 || reference.Count == 0)
            {
                throw new FormatException($"{path}: no samples");
            }

            var name = match.Groups["set"].Value;
            (sets.TryGetValue(name, out var reps) ? reps : sets[name] = []).Add(rep);
        }

        // In time order (the Time column keeps the real times), not file-name order.
        return [.. sets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new RecordedSet(exercise, $"{exercise}_{s.Key}", [.. s.Value.OrderBy(r => r.Thigh[0].TimestampUs)]))];
    }

    [GeneratedRegex(@"^.+_(?<set>\d+)_rep(?<rep>\d+)\.csv$")]
    private static partial Regex RepFileName();

    private sealed record RecordedRep(int Index, IReadOnlyList<ImuSample> Thigh, IReadOnlyList<ImuSample> Shank, IReadOnlyList<double> ReferenceDeg);

    private sealed record RecordedSet(string Exercise, string Name, IReadOnlyList<RecordedRep> Reps);

    private sealed record RepResult(string Exercise, string Set, int Rep, double ReferenceRangeDeg, double MeasuredRangeDeg, IReadOnlyList<double> AngleErrorsDeg)
    {
        public double ErrorDeg => MeasuredRangeDeg - ReferenceRangeDeg;
    }
}
