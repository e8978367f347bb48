using System.Diagnostics;
using System.Globalization;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;
using ScottPlot;

namespace Movement.Motion.Plots;

/// <summary>A whole simulated circuit session on the shank, with the labelled segments and reps; and how long it took.</summary>
internal static class SessionOverview
{
    public static string Run(string output)
    {
        const int seed = 1;
        var watch = Stopwatch.StartNew();
        var session = SimulatedSession.Create(SessionPlan.Circuit(seed), ParticipantProfile.Random(seed), seed);
        var buildMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        var recording = session.Record(SensorSpec.Random(new Random(seed), Placement.Shank, 50));
        var recordS = watch.Elapsed.TotalSeconds;

        var plot = new Plot();
        var xs = recording.Samples.Select(s => s.TimestampUs / 1e6).ToArray();
        var gz = plot.Add.ScatterLine(xs, recording.Samples.Select(s => (double)s.GyroZ * 5).ToArray(), Colors.Black.WithAlpha(0.7));
        gz.LegendText = "gz ×5 (rad/s)";
        var ay = plot.Add.ScatterLine(xs, recording.Samples.Select(s => (double)s.AccelY).ToArray(), Colors.Green.WithAlpha(0.8));
        ay.LegendText = "ay (m/s²)";
        foreach (var rep in session.Truth.Reps)
        {
            var span = plot.Add.HorizontalSpan(rep.StartS, rep.EndS, rep.Faults.Count == 0 ? Colors.Blue.WithAlpha(0.08) : Colors.Red.WithAlpha(0.2));
            span.LineStyle.Width = 0;
        }

        var row = 0;
        foreach (var segment in session.Truth.Segments.Where(s => s.Exercise != ExerciseIds.Rest))
        {
            var label = plot.Add.Text(segment.Exercise, segment.StartS, 22 - (2 * (row++ % 3)));
            label.LabelFontSize = 11;
        }

        plot.Title($"Simulated circuit session (seed {seed}), {session.Participant.Side} shank at 50 Hz: reps shaded (red = labelled fault)");
        plot.XLabel("time (s)");
        plot.Axes.SetLimitsY(-15, 24);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(Path.Combine(output, "simulated-circuit-shank.png"), 1800, 600);

        var walk = session.Truth.Segments.First(s => s.Exercise == ExerciseIds.Walking);
        var zoom = new Plot();
        var window = recording.Samples.Where(s => s.TimestampUs / 1e6 >= walk.StartS + 20 && s.TimestampUs / 1e6 <= walk.StartS + 28).ToArray();
        var wx = window.Select(s => s.TimestampUs / 1e6).ToArray();
        zoom.Add.ScatterLine(wx, window.Select(s => (double)s.AccelX).ToArray(), Colors.Blue).LegendText = "ax (m/s²)";
        zoom.Add.ScatterLine(wx, window.Select(s => (double)s.AccelY).ToArray(), Colors.Green).LegendText = "ay (m/s²)";
        zoom.Add.ScatterLine(wx, window.Select(s => (double)s.GyroZ).ToArray(), Colors.Black).LegendText = "gz (rad/s)";
        foreach (var strike in session.HeelStrikes.Where(h => h.InstrumentedLeg && h.TimeS >= wx[0] && h.TimeS <= wx[^1]))
        {
            zoom.Add.VerticalLine(strike.TimeS, 1, Colors.Red.WithAlpha(0.6));
        }

        zoom.Title("Simulated walking, shank at 50 Hz; red lines: labelled heel strikes of the instrumented leg");
        zoom.XLabel("time (s)");
        zoom.ShowLegend(Alignment.LowerRight);
        zoom.SavePng(Path.Combine(output, "simulated-walking-shank.png"), 1400, 500);

        return string.Create(CultureInfo.InvariantCulture,
            $"circuit seed {seed}: {session.DurationS:0} s, {session.Truth.Reps.Count} reps ({session.Truth.Reps.Count(r => r.Faults.Count > 0)} with faults), " +
            $"{session.Truth.HeelStrikesS.Count} heel strikes; build {buildMs:0} ms; {recording.Samples.Count} samples at 50 Hz in {recordS:0.00} s " +
            $"({recording.Samples.Count / recordS:0} samples/s, {session.DurationS / recordS:0}x real time)");
    }
}
