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
          replay <file> [<file> ...] [--format recording|uci] [--placement shank|thigh|wrist|other[,...]] [--side left|right]
                        [--units si|g-deg] [--exercise <id>] [--target-rom-deg <deg> [--target-rom-kind knee|thigh|shank]]
                        [--recognition on|off] [--model <exercise-recognition.zip>]
                 (one participant: one recording per sensor they wore, sharing a clock; --placement lists one per file.
                  --exercise is the station plan: it decides what is counted; the recogniser's disagreement is a note;
                  the target is a knee angle unless --target-rom-kind names a segment, and judges only reps of that angle)
          steps <file> [--format recording|oxford]
          evaluate <data-dir>      (tests/recordings, or the data sets as published; prints the cross-subject accuracy tables)
        """ + PairCommands.Usage + KneeEvaluationCommand.Usage;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            if (PairCommands.Names.Contains(args[0]))
            {
                return RunPairCommand(args, output, error);
            }

            var files = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var options = ParseOptions(args, 1 + Math.Max(1, files.Length));
            return args[0] switch
            {
                "replay" when files.Length >= 1 => Replay(files, options, output),
                "steps" when files.Length >= 1 => Steps(files[0], options, output),
                "evaluate" when files.Length >= 1 => EvaluateCommand.Run(files[0], output),
                "trace" when files.Length >= 1 => Trace(files[0], options, output),
                KneeEvaluationCommand.Name when files.Length >= 1 => KneeEvaluationCommand.Run(files[0], options, output),
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
        "trace-pair" when args.Length >= 3 => PairCommands.TracePair(args[1], args[2], ParseOptions(args, 3), (path, options) => ReadSamples(path, options, "uci"), output),
        "knee-sim" => PairCommands.KneeSim(ParseOptions(args, 1), output),
        "knee-circuit" => PairCommands.KneeCircuit(ParseOptions(args, 1), output),
        _ => Fail(error, Usage),
    };

    private static int Replay(string[] paths, Dictionary<string, string> options, TextWriter output)
    {
        var placements = options.GetValueOrDefault("placement", "other").Split(',').Select(p => Enum.Parse<Placement>(p, ignoreCase: true)).ToArray();
        if (placements.Length != paths.Length && placements.Length != 1)
        {
            throw new ArgumentException($"--placement lists {placements.Length} placements for {paths.Length} recordings");
        }

        Side? side = options.TryGetValue("side", out var s) ? Enum.Parse<Side>(s, ignoreCase: true) : null;
        var exercise = options.GetValueOrDefault("exercise");
        if (exercise is not null && !ExerciseIds.All.Contains(exercise))
        {
            throw new ArgumentException($"unknown exercise '{exercise}'; expected one of {string.Join(", ", ExerciseIds.All)}");
        }

        var targetKind = Enum.Parse<RomKind>(options.GetValueOrDefault("target-rom-kind", nameof(RomKind.Knee)), ignoreCase: true);
        RangeTarget? target = options.TryGetValue("target-rom-deg", out var t) ? new RangeTarget(double.Parse(t, CultureInfo.InvariantCulture), targetKind) : null;
        var recordings = paths.Select((path, i) => new SensorRecording(SensorId(path), placements[placements.Length == 1 ? 0 : i], side, ReadSamples(path, options, "uci"))).ToList();
        var recognition = options.GetValueOrDefault("recognition", "on") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"unknown --recognition '{other}'; expected on or off"),
        };
        if (!recognition)
        {
            RecordingReplay.Run(recordings, exercise, target, output, createRecognizer: null);
            return 0;
        }

        // The recogniser the live service runs (same model file and options), one per sensor.
        var recognitionOptions = new RecognitionOptions { ModelPath = options.GetValueOrDefault("model", RecognitionOptions.DefaultModelPath) };
        if (!File.Exists(recognitionOptions.ResolvedModelPath))
        {
            throw new ArgumentException($"exercise recognition model '{recognitionOptions.ResolvedModelPath}' does not exist (--model <zip>, or --recognition off)");
        }

        var models = new ExerciseRecognition(recognitionOptions);
        RecordingReplay.Run(recordings, exercise, target, output, e => models.CreateRecognizer(e.Placement, side));
        return 0;
    }

    /// <summary>A recording's sensor id: its file name, or for UCI's <c>.../u2/test.txt</c> the unit (u2).</summary>
    internal static string SensorId(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name is "test" or "template_session" ? Path.GetFileName(Path.GetDirectoryName(path)) ?? name : name;
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
