using System.Text.Json;
using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Protocol;

namespace Movement.Tools.Replay;

/// <summary>What a replay found: the reps in order, how many carried each flag, and the exercise changes.</summary>
public sealed record ReplaySummary(IReadOnlyList<ClassifiedRep> Reps, IReadOnlyList<ExerciseChange> ExerciseChanges)
{
    /// <summary>The sets as the service would summarise them (set number, exercise, reps).</summary>
    public IReadOnlyList<SetFinished> Sets { get; init; } = [];

    public ReplaySummary(IReadOnlyList<ClassifiedRep> reps)
        : this(reps, [])
    {
    }

    public int FlagCount(string flag) => Reps.Count(r => r.Flags.Any(f => f.Flag == flag));
}

/// <summary>One change of the stream's exercise, as the live service publishes it (an <c>exercise_change</c> event).</summary>
public sealed record ExerciseChange(long TimeUs, string From, string To, double Confidence);

/// <summary>One sensor's recording of a participant (all of one participant's recordings share a clock).</summary>
/// <remarks><see cref="Samples"/> is enumerated once per replay, in order: a file streamed as it is read will do.</remarks>
public sealed record SensorRecording(string Sensor, Placement Placement, Side? Side, IEnumerable<ImuSample> Samples);

/// <summary>
/// Replays one or more recordings of one participant through a <see cref="ParticipantClassifier"/> (exactly what the
/// live service runs for them) and writes one JSON object per line per counted repetition, then a summary line.
/// </summary>
public static class RecordingReplay
{
    /// <summary>Samples per batch span this much sensor time, as the gateway batches them (its default BatchInterval).</summary>
    public const long BatchUs = 100_000;

    /// <summary>The participant's id in a replay.</summary>
    public const string Participant = "replay";

    // Evidence messages contain "°": keep them readable on a console (these lines are not embedded in HTML).
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One sensor with a fixed exercise (<paramref name="exercise"/>, or unknown): no recognition.</summary>
    public static ReplaySummary Run(IEnumerable<ImuSample> samples, string sensorId, Placement placement, Side? side, string? exercise, RangeTarget? target, TextWriter? output) =>
        Run(samples, sensorId, placement, side, exercise, target, output, recognizer: null);

    /// <summary>One sensor, with its recogniser (or none: the plan's exercise throughout).</summary>
    public static ReplaySummary Run(IEnumerable<ImuSample> samples, string sensorId, Placement placement, Side? side, string? planExercise, RangeTarget? target, TextWriter? output, ExerciseRecognizer? recognizer) =>
        Run([new SensorRecording(sensorId, placement, side, samples)], planExercise, target, output,
            recognizer is null ? null : _ => recognizer);

    /// <summary>
    /// Replays as the live service classifies: the recordings' samples merged in time order, each sensor's in 100 ms
    /// batches, into one <see cref="ParticipantClassifier"/> whose station plan is <paramref name="planExercise"/>
    /// (with <paramref name="target"/>, which judges only reps of its kind of angle); a recogniser per sensor from <paramref name="createRecognizer"/>, or
    /// none (the plan's exercise throughout).
    /// </summary>
    public static ReplaySummary Run(IReadOnlyList<SensorRecording> recordings, string? planExercise, RangeTarget? target, TextWriter? output, Func<RosterEntry, ExerciseRecognizer>? createRecognizer, Func<string, RepSource>? repSource = null,
        RangeBaseline rangeBaseline = FormAssessor.ShippedRangeBaseline, RepPlausibility? plausibility = null)
    {
        var entries = recordings.Select(r => new RosterEntry(Participant, r.Sensor, r.Placement, r.Side ?? Side.Right)).ToList();
        var options = new RecognitionOptions { Enabled = false };
        var participant = new ParticipantClassifier(Participant, createRecognizer ?? (e => new ExerciseRecognizer(null, e.Placement, options, e.Side)), new ClassifierOptions().SetBreak, repSource, rangeBaseline, plausibility);
        participant.Wear(entries);
        var plan = planExercise is null ? null : new StationPlan("replay", planExercise, 0, target?.Deg, target?.Kind ?? RomKind.Knee);
        var reps = new List<ClassifiedRep>();
        var changes = new List<ExerciseChange>();
        var sets = new List<SetFinished>();
        var outputs = new List<ParticipantOutput>();
        var batches = recordings.Select(_ => new List<ImuSample>()).ToArray();
        foreach (var (index, sample) in InTimeOrder(recordings))
        {
            var batch = batches[index];
            if (batch.Count > 0 && sample.TimestampUs - batch[0].TimestampUs >= BatchUs)
            {
                Classify(index);
            }

            batch.Add(sample);
        }

        for (var i = 0; i < batches.Length; i++)
        {
            Classify(i);
        }

        participant.Finish(outputs);
        Collect();
        var summary = new ReplaySummary(reps, changes) { Sets = sets };
        output?.WriteLine(SummaryLine(summary, participant.ExerciseOf(recordings[0].Sensor), planExercise));
        return summary;

        void Classify(int index)
        {
            var batch = batches[index];
            if (batch.Count == 0)
            {
                return;
            }

            participant.Add(recordings[index].Sensor, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch), plan, counting: true, outputs);
            batch.Clear();
            Collect();
        }

        void Collect()
        {
            foreach (var o in outputs)
            {
                switch (o)
                {
                    case RepCounted counted:
                        reps.Add(counted.Rep);
                        output?.WriteLine(RepLine(counted.Rep, counted.Sensor));
                        break;
                    case ExerciseChanged change:
                        changes.Add(new ExerciseChange(change.TimeUs, change.From, change.To, change.Confidence));
                        break;
                    case SetFinished set:
                        sets.Add(set);
                        break;
                }
            }

            outputs.Clear();
        }
    }

    /// <summary>
    /// All recordings' samples merged by timestamp (the earlier recording first on a tie), tagged with the recording's
    /// index; each recording is enumerated once, as it goes, so recordings read from files stream in bounded memory.
    /// </summary>
    public static IEnumerable<(int Recording, ImuSample Sample)> InTimeOrder(IReadOnlyList<SensorRecording> recordings)
    {
        var readers = recordings.Select(r => r.Samples.GetEnumerator()).ToArray();
        try
        {
            var has = readers.Select(r => r.MoveNext()).ToArray();
            while (true)
            {
                var best = -1;
                for (var i = 0; i < readers.Length; i++)
                {
                    if (has[i] && (best < 0 || readers[i].Current.TimestampUs < readers[best].Current.TimestampUs))
                    {
                        best = i;
                    }
                }

                if (best < 0)
                {
                    yield break;
                }

                yield return (best, readers[best].Current);
                has[best] = readers[best].MoveNext();
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    public static string RepLine(ClassifiedRep rep, string? sensor = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            var m = rep.Measurement;
            json.WriteStartObject();
            json.WriteNumber("rep", rep.RepNumber);
            json.WriteString("id", rep.Id);
            if (sensor is not null)
            {
                json.WriteString("sensor", sensor);
            }

            json.WriteNumber("start_s", Math.Round(m.StartUs / 1e6, 3));
            json.WriteNumber("end_s", Math.Round(m.EndUs / 1e6, 3));
            json.WriteString("exercise", rep.Exercise);
            json.WriteNumber("confidence", Math.Round(rep.Confidence, 2));
            if (rep.LooksLike is not null)
            {
                json.WriteString("looks_like", rep.LooksLike);
            }

            json.WriteNumber("rom_deg", Math.Round(m.RomDeg, 1));
            json.WriteString("rom_kind", rep.RomKind.ToString());
            if (rep.TargetRomDeg is { } targetRomDeg)
            {
                json.WriteNumber("target_rom_deg", targetRomDeg);
            }

            json.WriteNumber("duration_s", Math.Round(m.DurationS, 2));
            json.WriteNumber("peak_angular_velocity_dps", Math.Round(m.PeakAngularVelocityDps, 1));
            json.WriteNumber("smoothness", Math.Round(m.Smoothness, 2));
            json.WriteNumber("sway_deg", Math.Round(m.SwayDeg, 1));
            json.WriteStartArray("flags");
            foreach (var flag in rep.Flags)
            {
                json.WriteStringValue(flag.Flag);
            }

            json.WriteEndArray();
            json.WriteStartArray("evidence");
            foreach (var flag in rep.Flags)
            {
                json.WriteStringValue(flag.Message);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static string SummaryLine(ReplaySummary summary, string exercise, string? plan = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteBoolean("summary", true);
            json.WriteString("exercise", exercise);
            if (plan is not null)
            {
                json.WriteString("plan", plan);
            }

            json.WriteNumber("reps", summary.Reps.Count);
            json.WriteNumber("mean_rom_deg", summary.Reps.Count == 0 ? 0 : Math.Round(summary.Reps.Average(r => r.Measurement.RomDeg), 1));
            json.WriteNumber("mean_duration_s", summary.Reps.Count == 0 ? 0 : Math.Round(summary.Reps.Average(r => r.Measurement.DurationS), 2));
            json.WriteStartObject("flag_counts");
            foreach (var flag in new[] { FormFlagIds.PartialRange, FormFlagIds.TooFast, FormFlagIds.Unstable, FormFlagIds.UnevenTempo })
            {
                json.WriteNumber(flag, summary.FlagCount(flag));
            }

            json.WriteEndObject();
            json.WriteStartArray("exercise_changes");
            foreach (var change in summary.ExerciseChanges)
            {
                json.WriteStartObject();
                json.WriteNumber("at_s", Math.Round(change.TimeUs / 1e6, 3));
                json.WriteString("from", change.From);
                json.WriteString("to", change.To);
                json.WriteNumber("confidence", Math.Round(change.Confidence, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Precision, recall and F1 of one flag against the reps that should carry it.</summary>
public readonly record struct FlagScore(int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>The UCI Physical Therapy sessions used here (subject 1's leg exercises) and the catalogue's id for each.</summary>
public static class UciExercises
{
    public static readonly (string Folder, string Exercise)[] Map =
    [
        ("e1", ExerciseIds.KneeExtension),      // seated knee extension
        ("e3", ExerciseIds.HeelSlide),          // supine hip and knee flexion
        ("e4", ExerciseIds.StraightLegRaise),   // supine straight-leg raise
        ("e5", ExerciseIds.StraightLegRaise),   // prone (lying) leg raise: no own id; the closest is a straight-leg raise
    ];
}

/// <summary>
/// One UCI session scored against its protocol: three blocks in order, correct, fast and low-amplitude reps
/// (10 each in a <c>test.txt</c> session, 3 each in a <c>template_session.txt</c>).
/// </summary>
public sealed record UciSessionResult(string Exercise, string Unit, int Reps, int TrueReps, FlagScore TooFast, FlagScore PartialRange)
{
    public const int TestSessionRepsPerBlock = 10;

    public const int TemplateSessionRepsPerBlock = 3;

    /// <summary>
    /// Replays a session (samples as read by the motion model's <c>UciPhysicalTherapyFile</c>) and scores it.
    /// Detected reps are assigned to the three blocks by the two longest pauses between reps (the participant rests
    /// between blocks), so a missed rep in one block does not shift the rest.
    /// </summary>
    public static UciSessionResult Evaluate(IEnumerable<ImuSample> samples, string exercise, string unit, int repsPerBlock = TestSessionRepsPerBlock)
    {
        var summary = RecordingReplay.Run(samples, unit, Placement.Other, null, exercise, null, null);
        return Score(summary.Reps, exercise, unit, repsPerBlock);
    }

    /// <summary>Scores reps found by any source (one sensor, or a knee pair) against the session's three blocks.</summary>
    public static UciSessionResult Score(IReadOnlyList<ClassifiedRep> reps, string exercise, string unit, int repsPerBlock = TestSessionRepsPerBlock)
    {
        var block = new int[reps.Count];
        if (reps.Count >= 3)
        {
            var pauses = Enumerable.Range(1, reps.Count - 1)
                .OrderByDescending(i => reps[i].Measurement.StartUs - reps[i - 1].Measurement.EndUs)
                .Take(2).Order().ToArray();
            for (var i = 0; i < reps.Count; i++)
            {
                block[i] = i < pauses[0] ? 0 : i < pauses[1] ? 1 : 2;
            }
        }

        return new UciSessionResult(exercise, unit, reps.Count, 3 * repsPerBlock, Score(FormFlagIds.TooFast, 1), Score(FormFlagIds.PartialRange, 2));

        FlagScore Score(string flag, int trueBlock)
        {
            int tp = 0, fp = 0;
            for (var i = 0; i < reps.Count; i++)
            {
                if (reps[i].Flags.Any(f => f.Flag == flag))
                {
                    if (block[i] == trueBlock)
                    {
                        tp++;
                    }
                    else
                    {
                        fp++;
                    }
                }
            }

            // More flagged reps in the block than it holds (extra reps detected) count as false positives.
            var excess = Math.Max(0, tp - repsPerBlock);
            return new FlagScore(tp - excess, fp + excess, repsPerBlock - (tp - excess));
        }
    }
}
