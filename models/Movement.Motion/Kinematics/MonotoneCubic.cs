namespace Movement.Motion.Kinematics;

/// <summary>
/// Fritsch–Carlson monotone cubic interpolation: smooth (C¹) through the keyframes, no overshoot, zero slope
/// at holds and turning points, so joint angles start and stop smoothly as real limbs do.
/// </summary>
internal sealed class MonotoneCubic
{
    private readonly double[] _t;
    private readonly double[] _y;
    private readonly double[] _m;

    public MonotoneCubic(double[] t, double[] y)
    {
        _t = t;
        _y = y;
        var n = t.Length;
        _m = new double[n];
        if (n < 2)
        {
            return;
        }

        var secant = new double[n - 1];
        for (var i = 0; i < n - 1; i++)
        {
            secant[i] = (y[i + 1] - y[i]) / (t[i + 1] - t[i]);
        }

        _m[0] = 0;
        _m[n - 1] = 0;
        for (var i = 1; i < n - 1; i++)
        {
            var (d0, d1) = (secant[i - 1], secant[i]);
            if (d0 * d1 <= 0)
            {
                _m[i] = 0;
                continue;
            }

            // Weighted harmonic mean (Fritsch–Butland) keeps the curve monotone between keyframes.
            var h0 = t[i] - t[i - 1];
            var h1 = t[i + 1] - t[i];
            var w1 = (2 * h1) + h0;
            var w2 = h1 + (2 * h0);
            _m[i] = (w1 + w2) / ((w1 / d0) + (w2 / d1));
        }
    }

    /// <summary>Value at <paramref name="time"/> in interval <paramref name="i"/> (t[i] ≤ time ≤ t[i+1]).</summary>
    public double Evaluate(int i, double time)
    {
        if (i >= _t.Length - 1)
        {
            return _y[^1];
        }

        var h = _t[i + 1] - _t[i];
        var s = Math.Clamp((time - _t[i]) / h, 0, 1);
        var s2 = s * s;
        var s3 = s2 * s;
        return (((2 * s3) - (3 * s2) + 1) * _y[i]) + ((s3 - (2 * s2) + s) * h * _m[i]) +
               ((-2 * s3) + (3 * s2)) * _y[i + 1] + ((s3 - s2) * h * _m[i + 1]);
    }
}
