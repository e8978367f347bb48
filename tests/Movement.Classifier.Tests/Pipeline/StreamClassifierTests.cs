using Movement.Classifier.Pipeline;
using Movement.Tools.Replay;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

public sealed class StreamClassifierTests
{
    [Fact]
    public void Add_SameRecordingTwice_GivesTheSameRepIds()
    {
        var samples = TestSignals.Reps(5, 60, 50);
        var first = RecordingReplay.Run(samples, "sensor-7", Placement.Shank, Side.Right, ExerciseIds.KneeExtension, null, null);
        var second = RecordingReplay.Run(samples, "sensor-7", Placement.Shank, Side.Right, ExerciseIds.KneeExtension, null, null);

        Assert.Equal(5, first.Reps.Count);
        Assert.Equal(first.Reps.Select(r => r.Id), second.Reps.Select(r => r.Id));
        Assert.Equal(5, first.Reps.Select(r => r.Id).Distinct().Count());
        Assert.All(first.Reps, r => Assert.StartsWith("sensor-7-", r.Id));
    }

    [Theory]
    [InlineData(1.0, true)] // quick 10° movements: a resting leg's jolts
    [InlineData(3.0, false)] // slow 10° movements: partial reps, which count
    public void Add_MovementsUnderARangeGate_CountsOnlyThoseItDoesNotRuleOut(double repS, bool ruledOut)
    {
        var gate = new RangeGate(MinRomDeg: 15, QuickerThanS: 2);
        var rules = RepPlausibility.None with { MinRom = new Dictionary<(string, Placement), RangeGate> { [(ExerciseIds.KneeExtension, Placement.Shank)] = gate } };
        var samples = TestSignals.Reps(6, 10, 50, repS: repS);

        var ungated = RecordingReplay.Run([new SensorRecording("s", Placement.Shank, Side.Right, samples)], ExerciseIds.KneeExtension, null, null, null, plausibility: RepPlausibility.None);
        var gated = RecordingReplay.Run([new SensorRecording("s", Placement.Shank, Side.Right, samples)], ExerciseIds.KneeExtension, null, null, null, plausibility: rules);

        Assert.InRange(ungated.Reps.Count, 5, 6);
        Assert.Equal(ruledOut ? 0 : ungated.Reps.Count, gated.Reps.Count);
    }

    [Fact]
    public void Run_LowAmplitudeRepsAfterBaseline_FlagsThemPartial()
    {
        var samples = TestSignals.Reps(10, 60, 50, romOfRep: i => i < 6 ? 60 : 30);
        var summary = RecordingReplay.Run(samples, "s", Placement.Shank, Side.Right, ExerciseIds.KneeExtension, null, null);

        Assert.Equal(10, summary.Reps.Count);
        Assert.Equal([6, 7, 8, 9], summary.Reps.Select((r, i) => (r, i)).Where(x => x.r.Flags.Any(f => f.Flag == FormFlagIds.PartialRange)).Select(x => x.i));
    }

    [Fact]
    public void SetExercise_SmallerRangeExerciseAfterALargeOne_CountsItsReps()
    {
        // A knee extension (70°) then a mini squat (12° at this sensor): the extension's range must not set the
        // squat's start threshold (20 % of 70° is more than the whole squat).
        var first = TestSignals.Reps(5, 70, 50);
        var offsetUs = first[^1].TimestampUs + 20_000 - TestSignals.Reps(1, 12, 50)[0].TimestampUs;
        var second = TestSignals.Reps(6, 12, 50).Select(s => s with { TimestampUs = s.TimestampUs + offsetUs }).ToList();
        var classifier = new StreamClassifier("s", Placement.Shank, Side.Right);
        classifier.SetExercise(ExerciseIds.KneeExtension);
        var extensions = first.Count(s => classifier.Add(s) is not null);
        classifier.SetExercise(ExerciseIds.MiniSquat);
        var squats = second.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();

        Assert.Equal(5, extensions);
        Assert.Equal(6, squats.Count);
        Assert.All(squats, r => Assert.Equal(ExerciseIds.MiniSquat, r.Exercise));
        Assert.All(squats, r => Assert.InRange(r.Measurement.RomDeg, 9, 15));
    }

    [Theory]
    [InlineData(ExerciseIds.SitToStand, Placement.Shank, 4)]
    [InlineData(ExerciseIds.StepUp, Placement.Thigh, 4)]
    [InlineData(ExerciseIds.SitToStand, Placement.Thigh, 8)]
    [InlineData(ExerciseIds.KneeExtension, Placement.Shank, 8)]
    public void Add_TwoMovementExercise_CountsOneRepPerPairOfMovements(string exercise, Placement placement, int expectedReps)
    {
        var samples = TestSignals.Reps(8, 15, 50, repS: 1.2, restS: 1);
        var classifier = new StreamClassifier("s", placement, Side.Right);
        classifier.SetExercise(exercise);
        var reps = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();

        Assert.Equal(expectedReps, reps.Count);
        if (expectedReps == 4)
        {
            // Each rep spans both of its movements: two 1.2 s movements and the 1 s pause between them.
            Assert.All(reps, r => Assert.InRange(r.Measurement.DurationS, 3.0, 3.8));
        }
    }

    [Fact]
    public void Add_FirstMovementLeftWaiting_IsNotPairedWithTheNextSet()
    {
        // One movement, a long pause (the set ended), then two: one rep, from the last two movements.
        var first = TestSignals.Reps(1, 15, 50, repS: 1.2, restS: 1);
        var later = TestSignals.Reps(2, 15, 50, repS: 1.2, restS: 1);
        var offsetUs = first[^1].TimestampUs - later[0].TimestampUs + (long)((StreamClassifier.MaxWaitForSecondMovement.TotalSeconds + 2) * 1e6);
        var samples = first.Concat(later.Select(s => s with { TimestampUs = s.TimestampUs + offsetUs })).ToList();
        var classifier = new StreamClassifier("s", Placement.Shank, Side.Right);
        classifier.SetExercise(ExerciseIds.SitToStand);
        var reps = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();

        var rep = Assert.Single(reps);
        Assert.True(rep.Measurement.StartUs > first[^1].TimestampUs);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(100)]
    public void Add_HeelRaisesWithoutRotation_CountsEachRise(double rateHz)
    {
        var samples = TestSignals.HeelRaises(8, 0.07, rateHz);
        var classifier = new StreamClassifier("s", Placement.Shank, Side.Right);
        classifier.SetExercise(ExerciseIds.HeelRaise);
        var reps = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();

        Assert.Equal(8, reps.Count);
        Assert.True(classifier.Pipeline.MeasuresRise);
    }

    [Fact]
    public void Add_HeelRaisesUnderAnotherExercise_CountsNothing()
    {
        // Without rotation there is nothing for the rotation path to count: only a heel raise measures the rise.
        var samples = TestSignals.HeelRaises(8, 0.07, 50);
        var classifier = new StreamClassifier("s", Placement.Shank, Side.Right);
        classifier.SetExercise(ExerciseIds.KneeExtension);

        Assert.Empty(samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>());
    }

    [Fact]
    public void Add_LowerHeelRaisesAfterBaseline_FlagsThemPartial()
    {
        var full = TestSignals.HeelRaises(6, 0.07, 50);
        var low = TestSignals.HeelRaises(4, 0.03, 50, noiseSeed: 2);
        var offsetUs = full[^1].TimestampUs + 20_000 - low[0].TimestampUs;
        var samples = full.Concat(low.Select(s => s with { TimestampUs = s.TimestampUs + offsetUs })).ToList();
        var classifier = new StreamClassifier("s", Placement.Thigh, Side.Right);
        classifier.SetExercise(ExerciseIds.HeelRaise);
        var reps = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();

        Assert.Equal(10, reps.Count);
        Assert.Equal([6, 7, 8, 9], reps.Select((r, i) => (r, i)).Where(x => x.r.Flags.Any(f => f.Flag == FormFlagIds.PartialRange)).Select(x => x.i));
    }

    [Fact]
    public void JudgeMissedRep_WindowWhereThisSensorHardlyMoved_MeasuresItsOwnRangeAndFlagsPartial()
    {
        // Six 20° reps set the baseline; then, in a still stretch, another sensor reports a rep this one did not see.
        var samples = TestSignals.Reps(6, 20, 50, restS: 3);
        var classifier = new StreamClassifier("thigh", Placement.Thigh, Side.Right);
        classifier.SetExercise(ExerciseIds.StraightLegRaise);
        var own = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().ToList();
        var lastUs = samples[^1].TimestampUs;
        var found = new RepMeasurement(lastUs - 2_500_000, lastUs - 500_000, lastUs - 1_500_000, 25, 40, 0.4, 2);

        var claimed = classifier.JudgeMissedRep(found, null);

        Assert.Equal(6, own.Count);
        Assert.InRange(claimed.Measurement.RomDeg, 0, 1);
        Assert.Equal(7, claimed.RepNumber);
        Assert.Contains(claimed.Flags, f => f.Flag == FormFlagIds.PartialRange);
        Assert.Equal(StreamClassifier.RepId("thigh", claimed.Measurement), claimed.Id);
    }

    [Fact]
    public void AngleRangeDeg_OverARep_IsAboutItsRange()
    {
        var samples = TestSignals.Reps(1, 30, 50);
        var classifier = new StreamClassifier("s", Placement.Shank, Side.Right);
        var rep = samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().Single();

        Assert.InRange(classifier.AngleRangeDeg(rep.Measurement.StartUs, rep.Measurement.EndUs)!.Value, 27, 33);
        Assert.Null(classifier.AngleRangeDeg(samples[^1].TimestampUs + 60_000_000, samples[^1].TimestampUs + 61_000_000));
    }

    [Fact]
    public void RepLine_Rep_HasTheDocumentedFields()
    {
        var summary = RecordingReplay.Run(TestSignals.Reps(1, 60, 50), "s", Placement.Shank, Side.Right, ExerciseIds.KneeExtension, new RangeTarget(90, RomKind.Shank), null);
        using var json = System.Text.Json.JsonDocument.Parse(RecordingReplay.RepLine(summary.Reps[0]));
        var root = json.RootElement;

        foreach (var field in new[] { "start_s", "end_s", "exercise", "rom_deg", "rom_kind", "target_rom_deg", "duration_s", "flags" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }

        Assert.Equal(ExerciseIds.KneeExtension, root.GetProperty("exercise").GetString());
        Assert.Equal(FormFlagIds.PartialRange, root.GetProperty("flags")[0].GetString());
        Assert.Equal(nameof(RomKind.Shank), root.GetProperty("rom_kind").GetString());
    }
}
