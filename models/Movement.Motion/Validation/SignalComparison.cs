namespace Movement.Motion.Validation;

/// <summary>How a simulated signal was compared with a real one (see docs/motion-model.md).</summary>
/// <param name="RepCount">Reps found by threshold crossing in each signal.</param>
/// <param name="TemplateCorrelation">Pearson r between the mean rep shapes (each rep resampled to 200 points).</param>
public sealed record AxisComparison(
    string Axis,
    double RealP2, double RealP98, double SimP2, double SimP98,
    double RealPeriodS, double SimPeriodS,
    int RealRepCount, int SimRepCount,
    double TemplateCorrelation);

/// <summary>Simple, documented signal statistics for comparing simulated and real recordings.</summary>
public static class SignalComparison
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((rank - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>
    /// Dominant period (s): the first local maximum of the normalised autocorrelation above 0.5 between
    /// <paramref name="minS"/> and <paramref name="maxS"/> (the highest peak if none reaches 0.5). The first peak,
    /// not the highest, so a multiple of the period is not picked.
    /// </summary>
    public static double DominantPeriodS(IReadOnlyList<double> x, double rateHz, double minS = 1, double maxS = 20)
    {
        var mean = x.Average();
        var d = x.Select(v => v - mean).ToArray();
        var variance = d.Sum(v => v * v) / d.Length;
        var maxLag = Math.Min((int)(maxS * rateHz), d.Length - 2);
        var r = new double[maxLag + 2];
        for (var lag = 0; lag <= maxLag + 1 && lag < d.Length; lag++)
        {
            double sum = 0;
            for (var i = 0; i + lag < d.Length; i++)
            {
                sum += d[i] * d[i + lag];
            }

            r[lag] = variance == 0 ? 0 : sum / (d.Length - lag) / variance;
        }

        var best = -1;
        for (var lag = Math.Max(1, (int)(minS * rateHz)); lag <= maxLag; lag++)
        {
            var isPeak = r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1];
            if (isPeak && r[lag] > 0.5)
            {
                return lag / rateHz;
            }

            if (best < 0 || r[lag] > r[best])
            {
                best = lag;
            }
        }

        return best / rateHz;
    }

    /// <summary>
    /// Starts of reps: upward crossings of the mid level (between the 5th and 95th percentiles). Hysteresis: the
    /// signal must fall below the lower quarter of that range before the next start counts, so noise cannot double-count.
    /// </summary>
    public static IReadOnlyList<int> RepStarts(IReadOnlyList<double> x)
    {
        var lo = Percentile(x, 5);
        var hi = Percentile(x, 95);
        var mid = (lo + hi) / 2;
        var rearm = lo + ((hi - lo) / 4);
        var starts = new List<int>();
        var armed = x.Count > 0 && x[0] < mid;
        for (var i = 1; i < x.Count; i++)
        {
            if (x[i] < rearm)
            {
                armed = true;
            }

            if (armed && x[i - 1] < mid && x[i] >= mid)
            {
                starts.Add(i);
                armed = false;
            }
        }

        return starts;
    }

    /// <summary>Mean rep shape: each rep from <paramref name="beforeS"/> before its start to <paramref name="afterS"/> after, resampled to <paramref name="points"/>.</summary>
    public static double[] MeanRep(IReadOnlyList<double> x, IReadOnlyList<int> starts, double rateHz, double beforeS, double afterS, int points = 200)
    {
        var mean = new double[points];
        var used = 0;
        foreach (var s in starts)
        {
            var a = s - (beforeS * rateHz);
            var b = s + (afterS * rateHz);
            if (a < 0 || b >= x.Count - 1)
            {
                continue;
            }

            for (var k = 0; k < points; k++)
            {
                var pos = a + ((b - a) * k / (points - 1));
                var i = (int)Math.Floor(pos);
                mean[k] += x[i] + ((pos - i) * (x[i + 1] - x[i]));
            }

            used++;
        }

        return used == 0 ? mean : mean.Select(v => v / used).ToArray();
    }

    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var n = Math.Min(a.Count, b.Count);
        double ma = 0, mb = 0;
        for (var i = 0; i < n; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Compares one axis: ranges, autocorrelation period, and mean-rep shape aligned on rep starts found in the reference signals.</summary>
    public static AxisComparison Compare(string axis, IReadOnlyList<double> real, IReadOnlyList<double> sim, double rateHz,
        IReadOnlyList<int> realStarts, IReadOnlyList<int> simStarts, double beforeS = 1, double afterS = 6)
    {
        var realRep = MeanRep(real, realStarts, rateHz, beforeS, afterS);
        var simRep = MeanRep(sim, simStarts, rateHz, beforeS, afterS);
        return new AxisComparison(
            axis,
            Percentile(real, 2), Percentile(real, 98), Percentile(sim, 2), Percentile(sim, 98),
            DominantPeriodS(real, rateHz), DominantPeriodS(sim, rateHz),
            realStarts.Count, simStarts.Count,
            Pearson(realRep, simRep));
    }
}
