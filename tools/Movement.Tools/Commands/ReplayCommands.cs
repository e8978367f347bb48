using System.Globalization;
using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Tools.Replay;
using Movement.Tools.Training;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Tools.Commands;

/// <summary>
/// Offline commands over recordings, through the same <see cref="StreamClassifier"/> and <see cref="StepCounter"/>
/// as live classification (usage in docs/classifier.md).
/// </summary>
internal static class ReplayCommands
{
    public static readonly string[] Names = ["replay", "steps", "evaluate", "trace", KneeEvaluationCommand.Name, TrainCommand.Name, .. PairCommands.Names];

    private const string Usage = """
        usage: movement <command> …
          replay <file> [<file> ...] [--format recording|uci|oxford] [--placement shank|thigh|wrist|other[,...]] [--side left|right]
                        [--units si|g-deg] [--exercise <id>] [--target-rom-deg <deg> [--target-rom-kind knee|thigh|shank]]
                        [--recognition on|off] [--model <exercise-recognition.zip>]
                 (one participant: one recording per sensor they wore, sharing a clock; --placement lists one per file.
                  --exercise is the station plan: it decides what is counted; the recogniser's disagreement is a note;
                  the target is a knee angle unless --target-rom-kind names a segment, and judges only reps of that angle)
          steps <file> [--format recording|uci|oxford]
          evaluate <data-dir>      (tests/recordings, or the data sets as published; prints the cross-subject accuracy tables)
        """ + "\n" + PairCommands.Usage + "\n" + KneeEvaluationCommand.Usage + "\n" + TrainCommand.Usage;

    /// <summary>Rejected rows printed per file; the rest are counted.</summary>
    public const int ErrorLinesShown = 5;

    /// <summary>Exit code when a file gave no sample at all (an empty file, wrong columns, every row rejected).</summary>
    public const int NothingRead = 1;

    /// <summary>Exit code for a usage error or a file that could not be opened.</summary>
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var read = new List<RecordingStream>();
        try
        {
            if (args.Length == 0)
            {
                return Fail(error, Usage);
            }

            if (args[0] == TrainCommand.Name)
            {
                return TrainCommand.Run(args[1..]);
            }

            if (PairCommands.Names.Contains(args[0]))
            {
                return ReportReads(read, error, RunPairCommand(args, read, output, error));
            }

            var files = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var options = ParseOptions(args, 1 + Math.Max(1, files.Length));
            return ReportReads(read, error, args[0] switch
            {
                "replay" when files.Length >= 1 => Replay(files, options, read, output),
                "steps" when files.Length >= 1 => Steps(files[0], options, read, output, error),
                "evaluate" when files.Length >= 1 => EvaluateCommand.Run(files[0], output),
                "trace" when files.Length >= 1 => Trace(files[0], options, read, output),
                KneeEvaluationCommand.Name when files.Length >= 1 => KneeEvaluationCommand.Run(files[0], options, output),
                _ => Fail(error, Usage),
            });
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            ReportReads(read, error, 0);
            return Fail(error, e.Message);
        }
    }

    /// <summary>
    /// After a command: each file's first <see cref="ErrorLinesShown"/> rejected rows, then how many in all; a file
    /// that gave no sample makes the exit code <see cref="NothingRead"/> (unless the command failed already).
    /// </summary>
    private static int ReportReads(List<RecordingStream> read, TextWriter error, int exitCode)
    {
        foreach (var file in read)
        {
            foreach (var e in file.Errors.Take(ErrorLinesShown))
            {
                error.WriteLine($"{file.Source}:{e.Line}: {e.Reason} (row skipped)");
            }

            if (file.ErrorCount > ErrorLinesShown)
            {
                error.WriteLine($"{file.Source}: {file.ErrorCount - ErrorLinesShown} more rows skipped ({file.ErrorCount} of {file.ErrorCount + file.SampleCount} rejected)");
            }

            if (file.SampleCount == 0)
            {
                error.WriteLine($"{file.Source}: no sample could be read");
                exitCode = exitCode == 0 ? NothingRead : exitCode;
            }
        }

        return exitCode;
    }

    private static int RunPairCommand(string[] args, List<RecordingStream> read, TextWriter output, TextWriter error) => args[0] switch
    {
        "trace-pair" when args.Length >= 3 => PairCommands.TracePair(args[1], args[2], ParseOptions(args, 3), (path, options) => ReadSamples(path, options, read), output),
        "knee-sim" => PairCommands.KneeSim(ParseOptions(args, 1), output),
        "knee-circuit" => PairCommands.KneeCircuit(ParseOptions(args, 1), output),
        _ => Fail(error, Usage),
    };

    private static int Replay(string[] paths, Dictionary<string, string> options, List<RecordingStream> read, TextWriter output)
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
        var recordings = paths.Select((path, i) => new SensorRecording(SensorId(path), placements[placements.Length == 1 ? 0 : i], side, ReadSamples(path, options, read))).ToList();
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
    private static int Trace(string path, Dictionary<string, string> options, List<RecordingStream> read, TextWriter output)
    {
        var classifier = new StreamClassifier("trace");
        long nextUs = long.MinValue;
        foreach (var sample in ReadSamples(path, options, read))
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

    private static int Steps(string path, Dictionary<string, string> options, List<RecordingStream> read, TextWriter output, TextWriter error)
    {
        var counter = new StepCounter();
        var samples = 0L;
        foreach (var sample in ReadSamples(path, options, read))
        {
            counter.Add(sample);
            samples++;
        }

        if (samples == 0)
        {
            // The Oxford reader throws at its first bad row, so an empty file is the one way it gives nothing.
            error.WriteLine($"{path}: no sample could be read");
            return NothingRead;
        }

        output.WriteLine($"{{\"steps\": {counter.Steps}}}");
        return 0;
    }

    /// <summary>
    /// The samples of <paramref name="path"/>, read as they are enumerated (bounded memory whatever the file's
    /// length); a recording or UCI file is added to <paramref name="read"/> for <see cref="ReportReads"/>.
    /// </summary>
    private static IEnumerable<ImuSample> ReadSamples(string path, Dictionary<string, string> options, List<RecordingStream> read)
    {
        var format = options.GetValueOrDefault("format", "recording");
        if (format == "oxford")
        {
            return OxfordRecording.StreamAccelerometer(path);
        }

        if (format is not ("recording" or "uci"))
        {
            throw new ArgumentException($"unknown --format '{format}' here; expected recording, uci or oxford");
        }

        if (!RecordingFiles.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file");
        }

        var units = options.GetValueOrDefault("units", "si");
        if (units is not ("si" or "g-deg"))
        {
            throw new ArgumentException($"unknown --units '{units}'; expected si or g-deg");
        }

        var stream = format == "uci"
            ? UciPhysicalTherapyFile.Stream(path, keptErrors: ErrorLinesShown)
            : RecordingCsv.StreamFile(path, keptErrors: ErrorLinesShown);
        read.Add(stream);
        if (format == "uci" || units == "si")
        {
            return stream.Samples;
        }

        // Headers that name their units (ax_g, gx_dps) were already converted by the reader; plain ones were read as SI.
        // The header is read with the first sample, so the scales are looked up per sample.
        return stream.Samples.Select(x =>
        {
            var accelScale = stream.AccelUnit == AccelUnit.MetresPerSecondSquared ? RecordingUnits.StandardGravityMps2 : 1;
            var gyroScale = stream.GyroUnit == GyroUnit.RadiansPerSecond ? Math.PI / 180 : 1;
            return new ImuSample(x.TimestampUs,
                (float)(x.AccelX * accelScale), (float)(x.AccelY * accelScale), (float)(x.AccelZ * accelScale),
                (float)(x.GyroX * gyroScale), (float)(x.GyroY * gyroScale), (float)(x.GyroZ * gyroScale));
        });
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
        return UsageError;
    }
}
