using System.Globalization;
using System.Text;
using Movement.Motion.Recordings;
using Movement.Motion.Sessions;
using Movement.Motion.Validation;
using Movement.Protocol;
using ScottPlot;

namespace Movement.Motion.Plots;

/// <summary>Simulated vs real seated knee extension, right shank, UCI physical therapy data set subject 1.</summary>
internal static class KneeExtensionComparison
{
    public static string Run(string root, string output)
    {
        var real = UciKneeExtension.ReadReal(RepositoryRoot.Recordings(root));
        var sim = UciKneeExtension.Simulate();
        var rate = UciPhysicalTherapyFile.SampleRateHz;
        var comparison = UciKneeExtension.Compare(real, sim.Samples);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"reps found: real {comparison[0].RealRepCount}, simulated {comparison[0].SimRepCount}; truth reps {sim.Truth.Reps.Count}");
        text.AppendLine("| axis | real p2..p98 | sim p2..p98 | real period s | sim period s | mean-rep r |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in comparison)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Axis} | {c.RealP2:0.00}..{c.RealP98:0.00} | {c.SimP2:0.00}..{c.SimP98:0.00} | {c.RealPeriodS:0.00} | {c.SimPeriodS:0.00} | {c.TemplateCorrelation:0.00} |");
        }

        var realStarts = SignalComparison.RepStarts(real.Select(s => (double)s.AccelY).ToArray());
        var simStarts = SignalComparison.RepStarts(sim.Samples.Select(s => (double)s.AccelY).ToArray());
        PlotTimeSeries(real, sim.Samples, output);
        PlotMeanReps(real, sim.Samples, realStarts, simStarts, rate, output);
        return text.ToString();
    }

    private static void PlotTimeSeries(IReadOnlyList<ImuSample> real, IReadOnlyList<ImuSample> sim, string output)
    {
        var plot = new Plot();
        var colors = new[] { Colors.Blue, Colors.Green, Colors.Red };
        var names = new[] { "ax", "ay", "az" };
        var getters = new Func<ImuSample, float>[] { s => s.AccelX, s => s.AccelY, s => s.AccelZ };
        for (var i = 0; i < 3; i++)
        {
            AddLine(plot, real, getters[i], colors[i], $"real {names[i]}", dashed: false);
            AddLine(plot, sim, getters[i], colors[i], $"simulated {names[i]}", dashed: true);
        }

        plot.Title("Seated knee extension, right shank accelerometer: real (solid) vs simulated (dashed)");
        plot.XLabel("time (s)");
        plot.YLabel("acceleration (m/s²)");
        plot.Axes.SetLimitsX(0, UciKneeExtension.WindowS);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(Path.Combine(output, "knee-extension-shank-accel.png"), 1400, 600);

        var gyro = new Plot();
        AddLine(gyro, real, s => s.GyroZ, Colors.Black, "real gz", dashed: false);
        AddLine(gyro, sim, s => s.GyroZ, Colors.OrangeRed, "simulated gz", dashed: false);
        gyro.Title("Seated knee extension, right shank gyroscope z (medio-lateral axis)");
        gyro.XLabel("time (s)");
        gyro.YLabel("angular rate (rad/s)");
        gyro.Axes.SetLimitsX(0, UciKneeExtension.WindowS);
        gyro.ShowLegend(Alignment.LowerRight);
        gyro.SavePng(Path.Combine(output, "knee-extension-shank-gyro.png"), 1400, 500);
    }

    private static void PlotMeanReps(IReadOnlyList<ImuSample> real, IReadOnlyList<ImuSample> sim, IReadOnlyList<int> realStarts,
        IReadOnlyList<int> simStarts, double rate, string output)
    {
        var plot = new Plot();
        var colors = new[] { Colors.Blue, Colors.Green, Colors.Red, Colors.Black };
        var names = new[] { "ax", "ay", "az", "gz ×5" };
        var getters = new Func<ImuSample, double>[] { s => s.AccelX, s => s.AccelY, s => s.AccelZ, s => 5 * s.GyroZ };
        const double before = 1, after = 6;
        const int points = 200;
        var xs = Enumerable.Range(0, points).Select(k => -before + ((before + after) * k / (points - 1))).ToArray();
        for (var i = 0; i < getters.Length; i++)
        {
            var r = SignalComparison.MeanRep(real.Select(getters[i]).ToArray(), realStarts, rate, before, after, points);
            var s = SignalComparison.MeanRep(sim.Select(getters[i]).ToArray(), simStarts, rate, before, after, points);
            var lr = plot.Add.ScatterLine(xs, r, colors[i]);
            lr.LegendText = $"real {names[i]}";
            lr.LineWidth = 2;
            var ls = plot.Add.ScatterLine(xs, s, colors[i]);
            ls.LegendText = $"simulated {names[i]}";
            ls.LineWidth = 2;
            ls.LinePattern = LinePattern.Dashed;
        }

        plot.Title("Mean repetition (aligned on the rise of ay): real (solid) vs simulated (dashed)");
        plot.XLabel("time from rep start (s)");
        plot.YLabel("m/s² (gyro: rad/s × 5)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(Path.Combine(output, "knee-extension-shank-mean-rep.png"), 1000, 600);
    }

    private static void AddLine(Plot plot, IReadOnlyList<ImuSample> samples, Func<ImuSample, float> get, Color color, string label, bool dashed)
    {
        var xs = samples.Select(s => s.TimestampUs / 1e6).ToArray();
        var ys = samples.Select(s => (double)get(s)).ToArray();
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = dashed ? 1.5f : 1f;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }
}
