using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Tools.Training;

/// <summary>One simulated participant's circuit, recorded from a shank and a thigh sensor.</summary>
internal sealed record SubjectRecordings(int Seed, IReadOnlyList<SimulatedRecording> Recordings);

internal static class TrainingData
{
    /// <summary>A window is labelled only when this share of it lies inside one activity segment.</summary>
    public const double MinCoverage = 0.75;

    public static readonly Placement[] Placements = [Placement.Shank, Placement.Thigh];

    /// <summary>
    /// Simulates one participant (the seed fixes the person, the plan and the motion). Sensor rates are drawn
    /// from 25/50/52 Hz (the recogniser resamples to 25 Hz anyway; higher rates only cost generation time).
    /// </summary>
    public static SubjectRecordings Simulate(int seed)
    {
        var person = ParticipantProfile.Random(seed);
        var session = SimulatedSession.Create(SessionPlan.Circuit(seed), person, seed);
        var recordings = new List<SimulatedRecording>();
        for (var p = 0; p < Placements.Length; p++)
        {
            // Not HashCode.Combine: it is randomised per process, and the data must be reproducible from the seed.
            var random = new Random((seed * 31) + p);
            double[] rates = [25, 50, 52];
            var spec = SensorSpec.Random(random, Placements[p], rates[random.Next(rates.Length)]);
            recordings.Add(session.Record(spec, startUnixUs: 0, noiseSeed: (seed * 31) + p + 7));
        }

        return new SubjectRecordings(seed, recordings);
    }

    /// <summary>
    /// Labelled windows of one recording: features computed exactly as the live recogniser does. Every fourth
    /// recording (by seed) is featurised as if the roster did not say which leg, as happens live.
    /// </summary>
    public static IEnumerable<ExerciseWindow> Windows(SimulatedRecording recording, int seed)
    {
        var features = new WindowFeatures(recording.Sensor.Placement, seed % 4 == 0 ? null : recording.Truth.Side);
        var windowS = WindowFeatures.WindowSamples / WindowFeatures.RateHz;
        foreach (var sample in recording.Samples)
        {
            if (!features.Add(sample))
            {
                continue;
            }

            var endS = (features.WindowEndUs - recording.StartUnixUs) / 1e6;
            if (LabelOf(recording.Truth, endS - windowS, endS) is { } label)
            {
                yield return new ExerciseWindow { Features = features.Values.ToArray(), Label = label };
            }
        }
    }

    /// <summary>
    /// Windows of movement that is no exercise (<see cref="TumblingSensor"/>: a sensor turned about random axes),
    /// labelled <c>unknown</c>, 60 s per placement and seed; every window is non-still.
    /// </summary>
    public static IEnumerable<ExerciseWindow> NonsenseWindows(int seed)
    {
        var random = new Random((seed * 31) + 5);
        foreach (var placement in Placements)
        {
            var features = new WindowFeatures(placement, random.Next(2) == 0 ? Side.Right : null);
            foreach (var sample in TumblingSensor.Record(random, 60, 25 + (25 * random.Next(2)), maxRateRadPerS: 0.3 + (2.7 * random.NextDouble())))
            {
                if (features.Add(sample) && !WindowFeatures.IsStill(features.Values))
                {
                    yield return new ExerciseWindow { Features = features.Values.ToArray(), Label = ExerciseIds.Unknown };
                }
            }
        }
    }

    public static string? LabelOf(RecordingTruth truth, double startS, double endS)
    {
        foreach (var segment in truth.Segments)
        {
            var overlap = Math.Min(endS, segment.EndS) - Math.Max(startS, segment.StartS);
            if (overlap >= MinCoverage * (endS - startS))
            {
                return segment.Exercise;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs the live <see cref="StreamClassifier"/> over a whole recording (the exercise set from the plan at each
    /// set's start, as the station plan would) and returns (exercise, true reps, counted reps) per set.
    /// </summary>
    public static IEnumerable<(string Exercise, int TrueReps, int CountedReps)> RepCounts(SimulatedRecording recording)
    {
        var sets = ExerciseSets(recording);
        var counted = new int[sets.Count];
        // A stride comes back as walking (rep number 0): not counted live, so not here.
        foreach (var rep in ClassifyAsPlanned(recording).Where(r => r.Exercise != ExerciseIds.Walking))
        {
            var endS = (rep.Measurement.EndUs - recording.StartUnixUs) / 1e6;
            var set = sets.FindIndex(s => endS >= s.StartS && endS <= s.EndS + 1.5);
            if (set >= 0)
            {
                counted[set]++;
            }
        }

        for (var i = 0; i < sets.Count; i++)
        {
            var set = sets[i];
            var trueReps = recording.Truth.Reps.Count(r => r.StartS >= set.StartS - 0.01 && r.EndS <= set.EndS + 0.01);
            yield return (set.Exercise, trueReps, counted[i]);
        }
    }

    private static List<SegmentTruth> ExerciseSets(SimulatedRecording recording) =>
        [.. recording.Truth.Segments.Where(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Walking or ExerciseIds.Unknown))];

    /// <summary>
    /// The live classifier over the whole recording, told each planned activity (every set and every walk) a second
    /// before it starts, as the station plan tells it live. The walks matter: a stream left unnamed through the
    /// circuit's opening walk counts its strides as unknown reps, and naming an unknown stream carries its baseline
    /// and rep numbers on (the recogniser naming what it was counting), so the first set would be judged against
    /// walking.
    /// </summary>
    private static IEnumerable<ClassifiedRep> ClassifyAsPlanned(SimulatedRecording recording)
    {
        var planned = recording.Truth.Segments.Where(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Unknown)).ToList();
        var classifier = new StreamClassifier("sim", recording.Sensor.Placement, recording.Truth.Side);
        var next = 0;
        foreach (var sample in recording.Samples)
        {
            var t = (sample.TimestampUs - recording.StartUnixUs) / 1e6;
            if (next < planned.Count && t >= planned[next].StartS - 1)
            {
                classifier.SetExercise(planned[next].Exercise);
                next++;
            }

            if (classifier.Add(sample) is { } rep)
            {
                yield return rep;
            }
        }
    }

    /// <summary>
    /// Runs the live <see cref="StreamClassifier"/> as <see cref="RepCounts"/> does and, for every rep after its set's
    /// baseline reps that overlaps a true rep, says for each flag whether the classifier raised it and whether the
    /// motion model made that rep with that fault.
    /// </summary>
    public static IEnumerable<(string Flag, bool Flagged, bool Faulty)> FlagOutcomes(SimulatedRecording recording)
    {
        string[] flagIds = [FormFlagIds.PartialRange, FormFlagIds.TooFast, FormFlagIds.Unstable, FormFlagIds.UnevenTempo];
        foreach (var rep in ClassifyAsPlanned(recording).Where(r => r.RepNumber > FormAssessor.BaselineReps))
        {
            var startS = (rep.Measurement.StartUs - recording.StartUnixUs) / 1e6;
            var endS = (rep.Measurement.EndUs - recording.StartUnixUs) / 1e6;
            var truth = recording.Truth.Reps.Where(r => r.StartS < endS && r.EndS > startS)
                .MaxBy(r => Math.Min(r.EndS, endS) - Math.Max(r.StartS, startS));
            if (truth is null)
            {
                continue;
            }

            foreach (var flag in flagIds)
            {
                yield return (flag, rep.Flags.Any(f => f.Flag == flag), truth.Faults.Contains(flag));
            }
        }
    }
}
