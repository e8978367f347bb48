using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Motion.Tests.Sessions;

public class SimulatedSessionTests
{
    private static SimulatedSession ShortCircuit(int seed) =>
        SimulatedSession.Create(SessionPlan.Circuit(seed, minReps: 3, maxReps: 4, minRestS: 3, maxRestS: 5, walkingS: 12), ParticipantProfile.Random(seed), seed);

    [Fact]
    public void Create_SameSeed_GivesIdenticalSamplesAndTruth()
    {
        var spec = SensorSpec.Random(new Random(3), Placement.Shank, 50);

        var first = ShortCircuit(42).Record(spec, startUnixUs: 1_700_000_000_000_000);
        var second = ShortCircuit(42).Record(spec, startUnixUs: 1_700_000_000_000_000);

        Assert.Equal(first.Samples, second.Samples);
        Assert.Equal(RecordingTruthJson.Encode(first.Truth), RecordingTruthJson.Encode(second.Truth));
    }

    [Fact]
    public void Create_DifferentSeed_GivesDifferentSession()
    {
        var spec = SensorSpec.Ideal(Placement.Shank, 50);

        var a = ShortCircuit(1).Record(spec);
        var b = ShortCircuit(2).Record(spec);

        Assert.NotEqual(RecordingTruthJson.Encode(a.Truth), RecordingTruthJson.Encode(b.Truth));
        Assert.NotEqual(a.Samples.Take(500), b.Samples.Take(500));
    }

    [Fact]
    public void Create_Circuit_TruthIsValidAndCoversEveryExercise()
    {
        var session = ShortCircuit(7);

        Assert.Null(RecordingTruthJson.Validate(session.Truth));
        foreach (var exercise in SessionPlan.CircuitExercises)
        {
            Assert.InRange(session.Truth.Reps.Count(r => r.Exercise == exercise), 3, 4);
        }

        Assert.Contains(session.Truth.Segments, s => s.Exercise == ExerciseIds.Walking);
        Assert.Contains(session.Truth.Segments, s => s.Exercise == ExerciseIds.Rest);
        Assert.NotEmpty(session.Truth.HeelStrikesS);
        // Segments follow each other without overlap.
        for (var i = 1; i < session.Truth.Segments.Count; i++)
        {
            Assert.True(session.Truth.Segments[i].StartS >= session.Truth.Segments[i - 1].EndS - 1e-6);
        }
    }

    [Fact]
    public void Reps_PrimaryAnglePeaksInsideEachLabelledRep()
    {
        var session = ShortCircuit(11);

        foreach (var rep in session.Truth.Reps)
        {
            var exercise = ExerciseCatalogue.Get(rep.Exercise);
            var startAngle = exercise.PrimaryAngle(session.Leg.AnglesAt(rep.StartS));
            // Find where the angle is furthest from its start value, over the rep plus a second either side.
            var (peakTime, peakDeviation) = (0.0, -1.0);
            for (var t = rep.StartS - 1; t <= rep.EndS + 1; t += 0.01)
            {
                var deviation = Math.Abs(exercise.PrimaryAngle(session.Leg.AnglesAt(t)) - startAngle);
                if (deviation > peakDeviation)
                {
                    (peakTime, peakDeviation) = (t, deviation);
                }
            }

            Assert.InRange(peakTime, rep.StartS, rep.EndS);
            Assert.InRange(peakDeviation, 0.8 * rep.RomDeg, 1.2 * rep.RomDeg + 1);
        }
    }

    [Fact]
    public void Reps_GyroIsActiveInsideRepsAndQuietInPausesOfKneeExtension()
    {
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.KneeExtension, 6), new ParticipantProfile(), 5);
        var recording = session.Record(SensorSpec.Ideal(Placement.Shank, 100));
        double PeakGyro(double from, double to) => recording.Samples
            .Where(s => s.TimestampUs / 1e6 >= from && s.TimestampUs / 1e6 <= to)
            .Max(s => Math.Abs(s.GyroZ));

        var reps = session.Truth.Reps;
        Assert.Equal(6, reps.Count);
        for (var i = 0; i < reps.Count; i++)
        {
            Assert.True(PeakGyro(reps[i].StartS, reps[i].EndS) > 0.5, $"rep {i} shows no rotation");
            if (i > 0)
            {
                // Between reps the leg rests: well under a tenth of the rep's rate.
                Assert.True(PeakGyro(reps[i - 1].EndS + 0.15, reps[i].StartS - 0.15) < 0.05, $"pause before rep {i} is not still");
            }
        }
    }

    [Fact]
    public void Reps_KneeExtensionGyroIntegratesToLabelledRom()
    {
        // Thigh still, so the shank's rotation equals the knee's: ∫ gz dt from start to peak ≈ rom_deg.
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.KneeExtension, 5), new ParticipantProfile(), 8);
        var samples = session.Record(SensorSpec.Ideal(Placement.Shank, 200)).Samples;

        foreach (var rep in session.Truth.Reps)
        {
            double angle = 0, maxAngle = 0;
            foreach (var s in samples.Where(s => s.TimestampUs / 1e6 >= rep.StartS && s.TimestampUs / 1e6 <= rep.EndS))
            {
                angle += s.GyroZ / 200.0;
                maxAngle = Math.Max(maxAngle, angle);
            }

            Assert.Equal(rep.RomDeg, maxAngle * 180 / Math.PI, rep.RomDeg * 0.03);
        }
    }

    [Fact]
    public void Faults_ForcedFaultsChangeRomAndDurationAsLabelled()
    {
        IReadOnlyList<string> none = [];
        IReadOnlyList<string> partial = [FormFlagIds.PartialRange];
        IReadOnlyList<string> fast = [FormFlagIds.TooFast];
        var plan = SessionPlan.SingleSet(ExerciseIds.Squat, 9, forcedFaults: [none, none, none, partial, partial, partial, fast, fast, fast]);

        var truth = SimulatedSession.Create(plan, new ParticipantProfile(), 4).Truth;

        var correct = truth.Reps.Where(r => r.Faults.Count == 0).ToList();
        Assert.Equal(3, correct.Count);
        var correctRom = correct.Average(r => r.RomDeg);
        var correctDuration = correct.Average(r => r.DurationS);
        Assert.All(truth.Reps.Where(r => r.Faults.Contains(FormFlagIds.PartialRange)), r => Assert.True(r.RomDeg < 0.7 * correctRom));
        Assert.All(truth.Reps.Where(r => r.Faults.Contains(FormFlagIds.TooFast)), r => Assert.True(r.DurationS < 0.6 * correctDuration));
    }

    [Fact]
    public void Faults_UnstableRepsShowMedioLateralRotation()
    {
        IReadOnlyList<string> none = [];
        IReadOnlyList<string> unstable = [FormFlagIds.Unstable];
        var plan = SessionPlan.SingleSet(ExerciseIds.MiniSquat, 4, forcedFaults: [none, none, unstable, unstable]);
        var session = SimulatedSession.Create(plan, new ParticipantProfile(), 9);
        var samples = session.Record(SensorSpec.Ideal(Placement.Shank, 100)).Samples;
        double MedioLateralRms(RepTruth rep)
        {
            // With the nominal mount the frontal-plane rotation of the shank shows on the sensor's y axis.
            var inRep = samples.Where(s => s.TimestampUs / 1e6 >= rep.StartS && s.TimestampUs / 1e6 <= rep.EndS).ToList();
            return Math.Sqrt(inRep.Average(s => s.GyroY * s.GyroY));
        }

        var reps = session.Truth.Reps;
        Assert.True(MedioLateralRms(reps[2]) > 3 * MedioLateralRms(reps[0]));
        Assert.True(MedioLateralRms(reps[3]) > 3 * MedioLateralRms(reps[1]));
    }

    [Fact]
    public void Walking_HeelStrikesOfInstrumentedLegShowImpact()
    {
        var plan = new SessionPlan([new ActivityPlan(ExerciseIds.Walking, DurationS: 20, RestAfterS: 2)]);
        var session = SimulatedSession.Create(plan, new ParticipantProfile(), 12);
        var samples = session.Record(SensorSpec.Ideal(Placement.Shank, 200)).Samples;
        double PeakAccel(double from, double to) => samples
            .Where(s => s.TimestampUs / 1e6 >= from && s.TimestampUs / 1e6 <= to)
            .Max(s => Math.Sqrt((s.AccelX * s.AccelX) + (s.AccelY * s.AccelY) + (s.AccelZ * s.AccelZ)));

        var strikes = session.HeelStrikes.Where(h => h.InstrumentedLeg).ToList();
        Assert.InRange(strikes.Count, 16, 20);
        Assert.Equal(session.HeelStrikes.Count, session.Truth.HeelStrikesS.Count);
        foreach (var strike in strikes.Skip(1).SkipLast(1))
        {
            Assert.True(PeakAccel(strike.TimeS, strike.TimeS + 0.06) > PeakAccel(strike.TimeS + 0.25, strike.TimeS + 0.4),
                $"no impact at heel strike {strike.TimeS:0.00} s");
        }
    }

    [Theory]
    [InlineData(25)]
    [InlineData(200)]
    public void Record_SampleRate_GivesExpectedCountAndIncreasingTimestamps(double rateHz)
    {
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.HeelRaise, 3), new ParticipantProfile(), 1);
        var spec = SensorSpec.Random(new Random(1), Placement.Thigh, rateHz) with { JitterFraction = 0.1, RateErrorPpm = 1000 };

        var samples = session.Record(spec, startUnixUs: 1_000_000).Samples;

        Assert.Equal(session.DurationS * rateHz * 1.001, samples.Count, 0.01 * samples.Count + 2);
        for (var i = 1; i < samples.Count; i++)
        {
            Assert.True(samples[i].TimestampUs > samples[i - 1].TimestampUs);
        }

        Assert.All(samples, s => Assert.True(s.HasGyro));
    }

    [Fact]
    public void OpenSensor_ReadUntilInChunks_MatchesReadToEnd()
    {
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.Marching, 4), ParticipantProfile.Random(5), 5);
        var spec = SensorSpec.Random(new Random(5), Placement.Shank, 52);
        const long start = 1_764_000_000_000_000;

        var all = session.OpenSensor(spec, start).ReadToEnd().ToList();
        var stream = session.OpenSensor(spec, start);
        var chunked = new List<ImuSample>();
        for (var now = start; !stream.Completed; now += 100_000)
        {
            var before = chunked.Count;
            stream.ReadUntil(now, chunked);
            Assert.All(chunked.Skip(before), s => Assert.True(s.TimestampUs <= now));
        }

        Assert.Equal(all, chunked);
    }

    [Fact]
    public void Record_WriteThenRead_RoundTripsThroughRecordingFormat()
    {
        var recording = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.StepUp, 2), new ParticipantProfile(), 3)
            .Record(SensorSpec.Random(new Random(2), Placement.Shank, 100), startUnixUs: 5_000_000);
        var dir = Directory.CreateTempSubdirectory("motion-");
        try
        {
            var path = Path.Combine(dir.FullName, "step_up.csv");

            recording.Write(path);
            var read = RecordingCsv.ReadFile(path, new RecordingReadOptions { StartUnixUs = 5_000_000 }).EnsureValid();

            Assert.Equal(recording.Samples.Select(s => s.TimestampUs), read.Samples.Select(s => s.TimestampUs));
            Assert.Equal(recording.Samples, read.Samples);
            Assert.True(RecordingTruthJson.TryReadFile(RecordingTruthJson.SidePath(path), out var truth, out var error), error);
            Assert.Equal(2, truth!.Reps.Count);
            Assert.Equal(Placement.Shank, truth.Placement);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
