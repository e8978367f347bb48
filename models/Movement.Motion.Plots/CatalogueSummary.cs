using System.Globalization;
using System.Text;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Motion.Plots;

/// <summary>Per exercise, for the default person: labelled ROM and rep duration, and the shank's signal ranges.</summary>
internal static class CatalogueSummary
{
    public static string Run()
    {
        var text = new StringBuilder("| exercise | rom_deg | duration_s | shank |a| p2..p98 (m/s²) | shank |ω| p98 (rad/s) |\n|---|---|---|---|---|\n");
        foreach (var exercise in ExerciseCatalogue.All.Where(e => e.Id is not (ExerciseIds.Walking or ExerciseIds.Rest)))
        {
            var session = SimulatedSession.Create(SessionPlan.SingleSet(exercise.Id, 5), new ParticipantProfile(), 1);
            var samples = session.Record(SensorSpec.Ideal(Placement.Shank, 50)).Samples;
            var accel = samples.Select(s => Math.Sqrt((s.AccelX * s.AccelX) + (s.AccelY * s.AccelY) + (s.AccelZ * s.AccelZ))).ToArray();
            var gyro = samples.Select(s => Math.Sqrt((s.GyroX * s.GyroX) + (s.GyroY * s.GyroY) + (s.GyroZ * s.GyroZ))).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {exercise.Id} | {session.Truth.Reps.Average(r => r.RomDeg):0} | {session.Truth.Reps.Average(r => r.DurationS):0.0} | " +
                $"{Validation.SignalComparison.Percentile(accel, 2):0.0}..{Validation.SignalComparison.Percentile(accel, 98):0.0} | {Validation.SignalComparison.Percentile(gyro, 98):0.00} |");
        }

        return text.ToString();
    }
}
