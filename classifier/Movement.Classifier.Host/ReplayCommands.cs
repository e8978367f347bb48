using System.Globalization;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Classifier.Replay;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Classifier.Host;

/// <summary>
/// Offline commands over recordings, through the same <see cref="StreamClassifier"/> and <see cref="StepCounter"/>
/// as live classification (usage in docs/classifier.md).
/// </summary>
internal static class ReplayCommands
{
    public static readonly string[] Names = ["replay", "steps", "evaluate", "trace", KneeEvaluationCommand.Name, .. PairCommands.Names];

    private const string Usage = """
        usage:
          replay <file> [--format recording|uci] [--placement shank|thigh|wrist|other] [--side left|right]
                        [--units si|g-deg] [--exercise <id>] [--target-rom-deg <deg>]
                        [--recognition on|off] [--model <exercise-recognition.zip>]
                 (--exercise is the station plan: a prior for the recogniser; with --recognition off, the exercise)
          steps <file> [--format recording|oxford]
          evaluate <data-dir>      (the UCI and Oxford slices under shared/data; prints the accuracy table)
        """ + PairCommands.Usage + KneeEvaluationCommand.Usage;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            if (PairCommands.Names.Contains(args[0]))
            {
                return RunPairCommand(args, output, error);
            }

            var options = ParseOptions(args, 2);
            return args[0] switch
            {
                "replay" when args.Length >= 2 => Replay(args[1], options, output),
                "steps" when args.Length >= 2 => Steps(args[1], options, output),
                "evaluate" when args.Length >= 2 => Evaluate(args[1], output),
                "trace" when args.Length >= 2 => Trace(args[1], options, output),
                KneeEvaluationCommand.Name when args.Length >= 2 => KneeEvaluationCommand.Run(args[1], options, output),
                _ => Fail(error, Usage),
            };
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message);
        }
    }

    private static int RunPairCommand(string[] args, TextWriter output, TextWriter error) => args[0] switch
    {
        "replay-pair" when args.Length >= 3 => PairCommands.ReplayPair(args[1], args[2], ParseOptions(args, 3), (path, options) => ReadSamples(path, options, "uci"), output),
        "trace-pair" when args.Length >= 3 => PairCommands.TracePair(args[1], args[2], ParseOptions(args, 3), (path, options) => ReadSamples(path, options, "uci"), output),
        "knee-sim" => PairCommands.KneeSim(ParseOptions(args, 1), output),
        "knee-circuit" => PairCommands.KneeCircuit(ParseOptions(args, 1), output),
        _ => Fail(error, Usage),
    };

    private static int Replay(string path, Dictionary<string, string> options, TextWriter output)
    {
        var samples = ReadSamples(path, options, "uci");
        var placement = Enum.Parse<Placement>(options.GetValueOrDefault("placement", "other"), ignoreCase: true);
        Side? side = options.TryGetValue("side", out var s) ? Enum.Parse<Side>(s, ignoreCase: true) : null;
        var exercise = options.GetValueOrDefault("exercise");
        if (exercise is not null && !ExerciseIds.All.Contains(exercise))
        {
            throw new ArgumentException($"unknown exercise '{exercise}'; expected one of {string.Join(", ", ExerciseIds.All)}");
        }

        double? target = options.TryGetValue("target-rom-deg", out var t) ? double.Parse(t, CultureInfo.InvariantCulture) : null;
        var recognition = options.GetValueOrDefault("recognition", "on") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"unknown --recognition '{other}'; expected on or off"),
        };
        if (!recognition)
        {
            RecordingReplay.Run(samples, Path.GetFileNameWithoutExtension(path), placement, side, exercise, target, output);
            return 0;
        }

        // The recogniser the live service runs (same model file and options), one per stream.
        var recognitionOptions = new RecognitionOptions { ModelPath = options.GetValueOrDefault("model", RecognitionOptions.DefaultModelPath) };
        if (!File.Exists(recognitionOptions.ResolvedModelPath))
        {
            throw new ArgumentException($"exercise recognition model '{recognitionOptions.ResolvedModelPath}' does not exist (--model <zip>, or --recognition off)");
        }

        using var recognizer = new ExerciseRecognition(recognitionOptions).CreateRecognizer(placement, side);
        RecordingReplay.Run(samples, Path.GetFileNameWithoutExtension(path), placement, side, exercise, target, output, recognizer);
        return 0;
    }

    /// <summary>Prints the joint angle every 0.4 s ('*' while inside a rep) and each rep: for tuning and bug reports.</summary>
    private static int Trace(string path, Dictionary<string, string> options, TextWriter output)
    {
        var classifier = new StreamClassifier("trace");
        long nextUs = long.MinValue;
        foreach (var sample in ReadSamples(path, options, "uci"))
        {
            if (classifier.Add(sample) is { } rep)
            {
                output.WriteLine();
                output.WriteLine(RecordingReplay.RepLine(rep));
            }

            if (sample.TimestampUs >= nextUs)
            {
                nextUs = sample.TimestampUs + 400_000;
                output.Write(string.Create(CultureInfo.InvariantCulture, $"{classifier.Pipeline.AngleDeg:F0}{(classifier.Pipeline.InRep ? "*" : "")} "));
            }
        }

        output.WriteLine();
        return 0;
    }

    private static int Steps(string path, Dictionary<string, string> options, TextWriter output)
    {
        var counter = new StepCounter();
        foreach (var sample in ReadSamples(path, options, "oxford"))
        {
            counter.Add(sample);
        }

        output.WriteLine($"{{\"steps\": {counter.Steps}}}");
        return 0;
    }

    private static int Evaluate(string dataDir, TextWriter output)
    {
        output.WriteLine("| UCI session | sensor | reps | too_fast P / R / F1 | partial_range P / R / F1 |");
        output.WriteLine("|---|---|---|---|---|");
        // test.txt: the accuracy figures. template_session.txt (3 correct, 3 fast, 3 low): a separate check set.
        foreach (var (file, repsPerBlock) in new[] { ("test.txt", UciSessionResult.TestSessionRepsPerBlock), ("template_session.txt", UciSessionResult.TemplateSessionRepsPerBlock) })
        {
            foreach (var exercise in new[] { "e1", "e3", "e4", "e5" })
            {
                foreach (var unit in new[] { "u2", "u3" })
                {
                    var path = Path.Combine(dataDir, "uci-physical-therapy", "s1", exercise, unit, file);
                    var r = UciSessionResult.Evaluate(UciPhysicalTherapyFile.Read(path).EnsureValid().Samples, exercise, unit, repsPerBlock);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| s1/{exercise} {file} | {unit} | {r.Reps} of {r.TrueReps} | {r.TooFast.Precision:F2} / {r.TooFast.Recall:F2} / {r.TooFast.F1:F2} | {r.PartialRange.Precision:F2} / {r.PartialRange.Recall:F2} / {r.PartialRange.F1:F2} |"));
                }
            }
        }

        PairCommands.EvaluateUci(dataDir, output);

        // The other leg (u1 left shank, u4 left thigh) does not exercise: it should count no reps.
        output.WriteLine();
        output.WriteLine("| UCI session | still-leg sensor | reps (expected 0) |");
        output.WriteLine("|---|---|---|");
        foreach (var exercise in new[] { "e1", "e3", "e4", "e5" })
        {
            foreach (var unit in new[] { "u1", "u4" })
            {
                var samples = UciPhysicalTherapyFile.Read(Path.Combine(dataDir, "uci-physical-therapy", "s1", exercise, unit, "test.txt")).EnsureValid().Samples;
                var reps = RecordingReplay.Run(samples, unit, Placement.Other, null, exercise, null, null).Reps.Count;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| s1/{exercise} | {unit} | {reps} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("| Oxford walk | steps | truth | error |");
        output.WriteLine("|---|---|---|---|");
        foreach (var walk in Directory.GetDirectories(Path.Combine(dataDir, "oxford-step-counter")).Order(StringComparer.Ordinal))
        {
            var counter = new StepCounter();
            foreach (var sample in OxfordRecording.ReadAccelerometer(Path.Combine(walk, "accelerometer.csv")))
            {
                counter.Add(sample);
            }

            var truth = OxfordRecording.ReadTrueSteps(Path.Combine(walk, "stepcounter.csv"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Path.GetFileName(walk)} | {counter.Steps} | {truth} | {100.0 * (counter.Steps - truth) / truth:+0.0;-0.0;0.0} % |"));
        }

        return 0;
    }

    private static IReadOnlyList<ImuSample> ReadSamples(string path, Dictionary<string, string> options, string foreignFormat)
    {
        var format = options.GetValueOrDefault("format", "recording");
        if (format == "uci" && foreignFormat == "uci")
        {
            return ReportErrors(path, UciPhysicalTherapyFile.Read(path)).Samples;
        }

        if (format == "oxford" && foreignFormat == "oxford")
        {
            return OxfordRecording.ReadAccelerometer(path);
        }

        if (format != "recording")
        {
            throw new ArgumentException($"unknown --format '{format}' here; expected recording or {foreignFormat}");
        }

        var result = ReportErrors(path, RecordingCsv.ReadFile(path));

        var units = options.GetValueOrDefault("units", "si");
        if (units == "si")
        {
            return result.Samples;
        }

        if (units != "g-deg")
        {
            throw new ArgumentException($"unknown --units '{units}'; expected si or g-deg");
        }

        // Headers that name their units (ax_g, gx_dps) were already converted by the reader; plain ones were read as SI.
        var accelScale = result.AccelUnit == AccelUnit.MetresPerSecondSquared ? RecordingUnits.StandardGravityMps2 : 1;
        var gyroScale = result.GyroUnit == GyroUnit.RadiansPerSecond ? Math.PI / 180 : 1;
        return [.. result.Samples.Select(x => new ImuSample(x.TimestampUs,
            (float)(x.AccelX * accelScale), (float)(x.AccelY * accelScale), (float)(x.AccelZ * accelScale),
            (float)(x.GyroX * gyroScale), (float)(x.GyroY * gyroScale), (float)(x.GyroZ * gyroScale)))];
    }

    private static RecordingReadResult ReportErrors(string path, RecordingReadResult result)
    {
        foreach (var e in result.Errors)
        {
            Console.Error.WriteLine($"{path}:{e.Line}: {e.Reason} (row skipped)");
        }

        return result;
    }

    private static Dictionary<string, string> ParseOptions(string[] args, int from)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = from; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 2;
    }
}
