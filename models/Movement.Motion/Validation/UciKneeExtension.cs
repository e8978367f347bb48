using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Motion.Validation;

/// <summary>
/// The comparison of docs/motion-model.md: simulated seated knee extension against UCI physical therapy data set
/// subject 1, exercise 1, unit 2 (right shank), first 10 (correct) reps. Data: Yurtman &amp; Barshan 2014, CC BY 4.0.
/// </summary>
public static class UciKneeExtension
{
    /// <summary>The first 85 s of <c>s1/e1/u2/test.txt</c> hold the 10 correct reps.</summary>
    public const double WindowS = 85;

    public static readonly string RelativePath = Path.Combine("uci-physical-therapy", "s1", "e1", "u2", "test.txt");

    public static IReadOnlyList<ImuSample> ReadReal(string sharedDataDir) =>
        UciPhysicalTherapyFile.Read(Path.Combine(sharedDataDir, RelativePath)).EnsureValid().Samples
            .Where(s => s.TimestampUs < WindowS * 1e6).ToArray();

    /// <summary>
    /// A participant like subject 1: right leg, seated high with the shank hanging about 18° forward; the sensor on
    /// the lateral shank, rolled -15° about its long axis (read off the real gravity vector at full extension).
    /// Timing is the catalogue's nominal knee extension; the seed only varies per-rep jitter.
    /// </summary>
    public static SimulatedRecording Simulate(int seed = 1)
    {
        var person = new ParticipantProfile
        {
            HeightM = 1.75,
            Side = Side.Right,
            SeatedThighDeg = 92,
            SeatedKneeDeg = 74,
            TremorDeg = 0.01,
            Fatigue = 0.05,
        };
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.KneeExtension, 10), person, seed);
        var sensor = new SensorSpec
        {
            Placement = Placement.Shank,
            AlongSegmentFraction = 0.5,
            MountRollDeg = -15,
            SampleRateHz = UciPhysicalTherapyFile.SampleRateHz,
            AccelNoiseMps2 = 0.03,
            GyroNoiseRadPerS = 0.005,
        };
        return session.Record(sensor);
    }

    /// <summary>Per-axis comparison; reps in both signals are aligned on the upward crossings of ay.</summary>
    public static IReadOnlyList<AxisComparison> Compare(IReadOnlyList<ImuSample> real, IReadOnlyList<ImuSample> simulated)
    {
        var rate = UciPhysicalTherapyFile.SampleRateHz;
        static double[] Axis(IReadOnlyList<ImuSample> samples, Func<ImuSample, float> f) => samples.Select(s => (double)f(s)).ToArray();
        var realStarts = SignalComparison.RepStarts(Axis(real, s => s.AccelY));
        var simStarts = SignalComparison.RepStarts(Axis(simulated, s => s.AccelY));
        var axes = new (string Name, Func<ImuSample, float> Get)[]
        {
            ("ax", s => s.AccelX), ("ay", s => s.AccelY), ("az", s => s.AccelZ),
            ("gx", s => s.GyroX), ("gy", s => s.GyroY), ("gz", s => s.GyroZ),
        };
        return axes.Select(a => SignalComparison.Compare(a.Name, Axis(real, a.Get), Axis(simulated, a.Get), rate, realStarts, simStarts)).ToList();
    }
}
