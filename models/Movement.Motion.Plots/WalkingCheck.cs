using System.Globalization;
using System.Text;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Motion.Validation;
using Movement.Protocol;

namespace Movement.Motion.Plots;

/// <summary>
/// Walking on the thigh: simulated vs the Oxford Step Counter front-pocket recordings (CC BY 4.0):
/// cadence from the labelled steps and |a| percentiles (a phone in the front pocket sits on the thigh).
/// </summary>
internal static class WalkingCheck
{
    public static string Run(string recordings)
    {
        var text = new StringBuilder("| recording | duration s | steps | cadence /min | \\|a\\| p2 | p50 | p98 |\n|---|---|---|---|---|---|---|\n");
        foreach (var dir in Directory.GetDirectories(Path.Combine(recordings, "oxford-step-counter")).Order())
        {
            var samples = OxfordRecording.ReadAccelerometer(Path.Combine(dir, "accelerometer.csv"));
            var magnitudes = samples.Select(a => Math.Sqrt((a.AccelX * a.AccelX) + (a.AccelY * a.AccelY) + (a.AccelZ * a.AccelZ))).ToArray();
            var steps = OxfordRecording.ReadTrueSteps(Path.Combine(dir, "stepcounter.csv"));
            var duration = (samples[^1].TimestampUs - samples[0].TimestampUs) / 1e6;
            text.AppendLine(Row(Path.GetFileName(dir), duration, steps, magnitudes));
        }

        for (var seed = 1; seed <= 3; seed++)
        {
            var person = ParticipantProfile.Random(seed);
            var session = SimulatedSession.Create(new SessionPlan([new ActivityPlan(ExerciseIds.Walking, DurationS: 120, RestAfterS: 1)]), person, seed);
            var walk = session.Truth.Segments.Single(s => s.Exercise == ExerciseIds.Walking);
            var samples = session.Record(SensorSpec.Random(new Random(seed), Placement.Thigh, 200)).Samples
                .Where(s => s.TimestampUs / 1e6 >= walk.StartS && s.TimestampUs / 1e6 <= walk.EndS);
            var magnitudes = samples.Select(s => Math.Sqrt((s.AccelX * s.AccelX) + (s.AccelY * s.AccelY) + (s.AccelZ * s.AccelZ))).ToArray();
            var steps = session.Truth.HeelStrikesS.Count(t => t >= walk.StartS && t <= walk.EndS);
            text.AppendLine(Row($"simulated thigh, person seed {seed} ({person.WalkingSpeedMps:0.00} m/s)", walk.EndS - walk.StartS, steps, magnitudes));
        }

        return text.ToString();
    }

    private static string Row(string name, double durationS, int steps, double[] magnitudes) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {durationS:0} | {steps} | {steps / durationS * 60:0} | {SignalComparison.Percentile(magnitudes, 2):0.0} | {SignalComparison.Percentile(magnitudes, 50):0.0} | {SignalComparison.Percentile(magnitudes, 98):0.0} |");
}
