using Movement.Classifier.Recognition;
using Movement.Tools.Replay;
using Movement.Classifier.Tests.Recognition;
using Movement.Motion.Recordings;
using Movement.Protocol;
using Movement.Tests;

namespace Movement.Classifier.Tests.RealData;

/// <summary>
/// Accuracy on the UCI Physical Therapy Exercises recordings (Yurtman &amp; Barshan 2014, CC BY 4.0), subjects 1 and 2,
/// through the live path (<see cref="RecordingReplay"/> over a <see cref="ParticipantClassifier"/>, the recogniser on,
/// the station plan naming the session's exercise). u2 (right shank) and u3 (right thigh) are on the moving leg; each
/// session holds 30 reps: 10 correct, 10 fast, 10 low-amplitude. Every assertion is the target (±1 rep,
/// F1 ≥ 0.9); a stream that misses one is left out of that target's list and named here and in docs/accuracy.md.
/// Which subject each rule was chosen on, and so which figures are held out, is in docs/accuracy.md ("Rules and where
/// they were chosen"): the segmentation and the straight-leg raise's source on s1, the range baseline on s2.
/// </summary>
public sealed class UciAccuracyTests
{
    private const double TargetF1 = 0.9;

    /// <summary>u3+u2: a participant wearing both; u2, u3: one sensor.</summary>
    private static readonly string[] Worn = ["u3+u2", "u2", "u3"];

    private static readonly Dictionary<(string, string, string), UciSessionResult> Results = [];

    // Not here: s1/e5 u3 (20: the low-amplitude raises bent the knee and barely turned the thigh), s2/e1 u3 (21: the
    // thigh turns 4-9° in this subject's seated knee extension).
    public static TheoryData<string, string, string> RepCountStreams => Except(("s1", "e5", "u3"), ("s2", "e1", "u3"));

    // Not here: s1/e5 u3 (its count is off, which breaks the block assignment).
    public static TheoryData<string, string, string> TooFastStreams => Except(("s1", "e5", "u3"));

    // Not here: s1/e4 on all three (0.87: two reps of the fast block measure under 80 % of the best), s1/e5 u2 and u3
    // (the low block was done by bending the knee: the shank's biggest reps, the thigh's missed ones), s1/e1 u3 and
    // s2/e1 u3 (the thigh's 8-10° overlap between full and low reps).
    public static TheoryData<string, string, string> PartialRangeStreams =>
        Except(("s1", "e4", "u3+u2"), ("s1", "e4", "u2"), ("s1", "e4", "u3"), ("s1", "e5", "u2"), ("s1", "e5", "u3"), ("s1", "e1", "u3"), ("s2", "e1", "u3"));

    // Not here: subject 2's e3, e4 and e5, where the left leg moves with the exercising one (its shank rocks 4-13°
    // with each heel slide, its thigh 5-16° with each leg raise): counted as the reps they look like.
    public static TheoryData<string, string> StillLegSessions => new()
    {
        { "s1", "e1" }, { "s1", "e3" }, { "s1", "e4" }, { "s1", "e5" }, { "s2", "e1" },
    };

    [Theory]
    [MemberData(nameof(RepCountStreams))]
    public void Run_UciTestSession_CountsThirtyRepsWithinOne(string subject, string session, string worn)
    {
        var result = Evaluate(subject, session, worn);

        Assert.Equal(30, result.TrueReps);
        Assert.InRange(result.Reps, result.TrueReps - 1, result.TrueReps + 1);
    }

    [Theory]
    [MemberData(nameof(TooFastStreams))]
    public void Run_UciTestSession_FlagsTheFastBlockTooFastWithF1AtLeast09(string subject, string session, string worn)
    {
        var score = Evaluate(subject, session, worn).TooFast;

        Assert.True(score.F1 >= TargetF1, $"too_fast P {score.Precision:F2} R {score.Recall:F2} F1 {score.F1:F2} < {TargetF1}");
    }

    [Theory]
    [MemberData(nameof(PartialRangeStreams))]
    public void Run_UciTestSession_FlagsTheLowAmplitudeBlockPartialWithF1AtLeast09(string subject, string session, string worn)
    {
        var score = Evaluate(subject, session, worn).PartialRange;

        Assert.True(score.F1 >= TargetF1, $"partial_range P {score.Precision:F2} R {score.Recall:F2} F1 {score.F1:F2} < {TargetF1}");
    }

    [Theory]
    [MemberData(nameof(StillLegSessions))]
    public void Run_ThighAndShankOnTheLegThatDoesNotExercise_CountsAtMostOneRep(string subject, string session)
    {
        var recordings = new[] { Recording(subject, session, "u4", Placement.Thigh, Side.Left), Recording(subject, session, "u1", Placement.Shank, Side.Left) };
        Assert.All(recordings, r => Assert.True(r.Samples.Count() > 5000, $"only {r.Samples.Count()} samples read"));

        var summary = RecordingReplay.Run(recordings, Exercise(session), null, null, Recognizer);

        Assert.InRange(summary.Reps.Count, 0, 1);
    }

    private static UciSessionResult Evaluate(string subject, string session, string worn)
    {
        lock (Results)
        {
            if (!Results.TryGetValue((subject, session, worn), out var result))
            {
                var thigh = Recording(subject, session, "u3", Placement.Thigh, Side.Right);
                var shank = Recording(subject, session, "u2", Placement.Shank, Side.Right);
                SensorRecording[] recordings = worn switch { "u2" => [shank], "u3" => [thigh], _ => [thigh, shank] };
                var summary = RecordingReplay.Run(recordings, Exercise(session), null, null, Recognizer);
                result = Results[(subject, session, worn)] = UciSessionResult.Score(summary.Reps, Exercise(session), worn);
            }

            return result;
        }
    }

    private static ExerciseRecognizer Recognizer(RosterEntry entry) => new(CommittedModel.Value, entry.Placement, new RecognitionOptions(), entry.Side);

    private static string Exercise(string session) => UciExercises.Map.Single(m => m.Folder == session).Exercise;

    private static TheoryData<string, string, string> Except(params (string Subject, string Session, string Worn)[] misses)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var subject in new[] { "s1", "s2" })
        {
            foreach (var (session, _) in UciExercises.Map)
            {
                foreach (var worn in Worn.Where(w => !misses.Contains((subject, session, w))))
                {
                    data.Add(subject, session, worn);
                }
            }
        }

        return data;
    }

    private static SensorRecording Recording(string subject, string session, string unit, Placement placement, Side side) =>
        new(unit, placement, side, UciPhysicalTherapyFile.Read(Path.Combine(TestRecordings.Root, "uci-physical-therapy", subject, session, unit, "test.txt")).EnsureValid().Samples);
}
