using Movement.Protocol;

namespace Movement.Classifier.Recognition;

/// <summary>
/// Cuts one sensor stream into overlapping windows (4 s, 50 % overlap), resampled to 25 Hz whatever the
/// sensor's rate, and computes features that do not depend on how the sensor was strapped on: magnitudes,
/// sorted spreads, tilt range, rotation about the stream's own principal axis, its rhythm, axis correlations,
/// plus the placement. A left leg's samples are mirrored into a right leg's frame (the nominal mounting's y axis
/// points forward on a right leg, backward on a left one), so forward and backward movements look the same on
/// both legs. Allocates only at construction; the live classifier and the training command share it.
/// </summary>
public sealed class WindowFeatures
{
    public const double RateHz = 25;
    public const int WindowSamples = 100;
    public const int HopSamples = 50;

    /// <summary>Length of <see cref="Values"/>; the model's input width (one per <see cref="WindowFeature"/>).</summary>
    public const int Count = (int)WindowFeature.Count;

    /// <summary>The features' names in model-input order: stored with a trained model and checked when it loads.</summary>
    public static readonly FeatureSchema Schema = FeatureSchema.Of<WindowFeature>(FeatureSchema.CurrentVersion);

    private const int Channels = 6;
    private const double StepS = 1 / RateHz;
    private static readonly long MaxGapUs = 500_000;
    private readonly float[][] _ring = new float[Channels][];
    private readonly double[][] _window = new double[Channels][];
    private readonly double[] _projection = new double[WindowSamples];
    private readonly float[] _values = new float[Count];
    private readonly Placement _placement;
    private readonly Side? _side;
    private int _filled;
    private int _head;
    private int _sinceEmit;
    private long _lastUs = long.MinValue;
    private double _lastA0, _lastA1, _lastA2, _lastG0, _lastG1, _lastG2;
    private long _nextGridUs;
    private bool _hasGyro;

    public WindowFeatures(Placement placement, Side? side = null)
    {
        _placement = placement;
        _side = side;
        for (var c = 0; c < Channels; c++)
        {
            _ring[c] = new float[WindowSamples];
            _window[c] = new double[WindowSamples];
        }
    }

    /// <summary>
    /// A window in which the sensor did not move (|ω| under 0.15 rad/s, tilt under 3°, |a| spread under 0.15 m/s²):
    /// rest, whatever its orientation. The model has only seen the orientations legs take; a still sensor in any
    /// other (on a table, in a bag) is still rest, not an exercise.
    /// </summary>
    public static bool IsStill(ReadOnlySpan<float> values) =>
        values[(int)WindowFeature.TiltMaxDeg] < 3 && values[(int)WindowFeature.AccelStd] < 0.15f
        && (values[(int)WindowFeature.HasGyro] == 0 || values[(int)WindowFeature.GyroMax] < 0.15f);

    /// <summary>Features of the last completed window (valid after <see cref="Add"/> returned true).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Time of the last sample of the last completed window, µs.</summary>
    public long WindowEndUs { get; private set; }

    /// <summary>Forgets the samples so far (after a gap, or a new recording).</summary>
    public void Reset()
    {
        _filled = 0;
        _head = 0;
        _sinceEmit = 0;
        _lastUs = long.MinValue;
    }

    /// <summary>Adds one sample; true when it completed a window (read <see cref="Values"/>).</summary>
    public bool Add(in ImuSample sample)
    {
        var t = sample.TimestampUs;
        var hasGyro = sample.HasGyro;
        double gx = hasGyro ? sample.GyroX : 0, gy = hasGyro ? sample.GyroY : 0, gz = hasGyro ? sample.GyroZ : 0;
        double ax = sample.AccelX, ay = sample.AccelY, az = sample.AccelZ;
        if (_side == Side.Left)
        {
            // Mirror through the sagittal plane: a polar vector flips its forward (y) component, an axial one
            // (angular velocity) the other two.
            ay = -ay;
            gx = -gx;
            gz = -gz;
        }
        if (_lastUs == long.MinValue || t - _lastUs > MaxGapUs)
        {
            Reset();
            _lastUs = t;
            _nextGridUs = t;
            Store(ax, ay, az, gx, gy, gz, hasGyro);
            return false;
        }

        if (t <= _lastUs)
        {
            return false; // out of order or repeated: the pipeline counts those
        }

        var completed = false;
        while (_nextGridUs <= t)
        {
            // Linear interpolation between the previous and this sample onto the 25 Hz grid.
            var f = (double)(_nextGridUs - _lastUs) / (t - _lastUs);
            completed |= Push(
                Lerp(_lastA0, ax, f), Lerp(_lastA1, ay, f), Lerp(_lastA2, az, f),
                Lerp(_lastG0, gx, f), Lerp(_lastG1, gy, f), Lerp(_lastG2, gz, f));
            if (completed)
            {
                WindowEndUs = _nextGridUs;
            }

            _nextGridUs += (long)(StepS * 1_000_000);
        }

        _lastUs = t;
        Store(ax, ay, az, gx, gy, gz, hasGyro);
        return completed;
    }

    private static double Lerp(double a, double b, double f) => a + ((b - a) * f);

    private void Store(double a0, double a1, double a2, double g0, double g1, double g2, bool hasGyro)
    {
        (_lastA0, _lastA1, _lastA2, _lastG0, _lastG1, _lastG2) = (a0, a1, a2, g0, g1, g2);
        _hasGyro = hasGyro;
    }

    private bool Push(double a0, double a1, double a2, double g0, double g1, double g2)
    {
        _ring[0][_head] = (float)a0;
        _ring[1][_head] = (float)a1;
        _ring[2][_head] = (float)a2;
        _ring[3][_head] = (float)g0;
        _ring[4][_head] = (float)g1;
        _ring[5][_head] = (float)g2;
        _head = (_head + 1) % WindowSamples;
        _filled = Math.Min(_filled + 1, WindowSamples);
        _sinceEmit++;
        if (_filled < WindowSamples || _sinceEmit < HopSamples)
        {
            return false;
        }

        _sinceEmit = 0;
        for (var c = 0; c < Channels; c++)
        {
            for (var i = 0; i < WindowSamples; i++)
            {
                _window[c][i] = _ring[c][(_head + i) % WindowSamples];
            }
        }

        Compute(_window, _hasGyro, _placement, _side is not null, _projection, _values);
        return true;
    }

    /// <summary>Features of one window of 25 Hz samples (channels ax, ay, az in m/s², gx, gy, gz in rad/s).</summary>
    internal static void Compute(double[][] w, bool hasGyro, Placement placement, bool sideKnown, double[] projection, Span<float> values)
    {
        var n = w[0].Length;

        // Gravity direction (mean acceleration, normalised): posture and where on the leg.
        double mx = Mean(w[0]), my = Mean(w[1]), mz = Mean(w[2]);
        var mNorm = Math.Max(1e-6, Math.Sqrt((mx * mx) + (my * my) + (mz * mz)));
        double ux = mx / mNorm, uy = my / mNorm, uz = mz / mNorm;
        Set(values, WindowFeature.GravityX, ux);
        Set(values, WindowFeature.GravityAcross, Math.Sqrt((uy * uy) + (uz * uz))); // the across-segment part, whatever the roll
        Set(values, WindowFeature.GravityY, uy);
        Set(values, WindowFeature.GravityZ, uz);

        // |a|: intensity and impacts.
        double aMean = 0, aMin = double.MaxValue, aMax = double.MinValue, aJerk = 0, prevA = 0;
        double tiltMax = 0, tiltSum = 0, xMin = 1, xMax = -1;
        for (var i = 0; i < n; i++)
        {
            var a = Math.Sqrt((w[0][i] * w[0][i]) + (w[1][i] * w[1][i]) + (w[2][i] * w[2][i]));
            aMean += a;
            aMin = Math.Min(aMin, a);
            aMax = Math.Max(aMax, a);
            if (i > 0)
            {
                aJerk += Math.Abs(a - prevA);
            }

            prevA = a;
            var inv = 1 / Math.Max(a, 1e-6);
            var cos = Math.Clamp(((w[0][i] * ux) + (w[1][i] * uy) + (w[2][i] * uz)) * inv, -1, 1);
            var tilt = Math.Acos(cos) * 180 / Math.PI;
            tiltMax = Math.Max(tiltMax, tilt);
            tiltSum += tilt;
            xMin = Math.Min(xMin, w[0][i] * inv);
            xMax = Math.Max(xMax, w[0][i] * inv);
        }

        aMean /= n;
        double aVar = 0;
        for (var i = 0; i < n; i++)
        {
            var a = Math.Sqrt((w[0][i] * w[0][i]) + (w[1][i] * w[1][i]) + (w[2][i] * w[2][i])) - aMean;
            aVar += a * a;
        }

        Set(values, WindowFeature.AccelMean, aMean);
        Set(values, WindowFeature.AccelStd, Math.Sqrt(aVar / n));
        Set(values, WindowFeature.AccelMin, aMin);
        Set(values, WindowFeature.AccelMax, aMax);
        Set(values, WindowFeature.AccelJerk, aJerk / (n - 1) * RateHz);

        // Segment inclination: how far gravity moves in the window (≈ the segment's range of angle).
        Set(values, WindowFeature.TiltMaxDeg, tiltMax);
        Set(values, WindowFeature.TiltMeanDeg, tiltSum / n);
        values[(int)WindowFeature.InclinationRangeDeg] = (float)(Math.Asin(Math.Clamp(xMax, -1, 1)) - Math.Asin(Math.Clamp(xMin, -1, 1))) * (float)(180 / Math.PI);

        // Per-axis spreads of the acceleration, sorted so a rolled mounting gives the same features.
        Sorted3(Std(w[0]), Std(w[1]), Std(w[2]), values, WindowFeature.AccelSpreadLargest);

        // Gyroscope: magnitude, sorted spreads, the principal rotation axis and the angle turned about it.
        double ex = 0, ey = 0, ez = 0;
        if (hasGyro)
        {
            double gMean = 0, gMax = 0;
            for (var i = 0; i < n; i++)
            {
                var g = Math.Sqrt((w[3][i] * w[3][i]) + (w[4][i] * w[4][i]) + (w[5][i] * w[5][i]));
                gMean += g;
                gMax = Math.Max(gMax, g);
            }

            Set(values, WindowFeature.GyroMean, gMean / n);
            Set(values, WindowFeature.GyroMax, gMax);
            Sorted3(Std(w[3]), Std(w[4]), Std(w[5]), values, WindowFeature.GyroSpreadLargest);
            PrincipalAxis(w[3], w[4], w[5], out ex, out ey, out ez, out var explained);
            Set(values, WindowFeature.RotationAxisAlongSegment, Math.Abs(ex)); // twist rather than swing
            Set(values, WindowFeature.RotationAxisExplained, explained);
            double angle = 0, angleMin = 0, angleMax = 0;
            for (var i = 0; i < n; i++)
            {
                projection[i] = (w[3][i] * ex) + (w[4][i] * ey) + (w[5][i] * ez);
                angle += projection[i] * StepS;
                angleMin = Math.Min(angleMin, angle);
                angleMax = Math.Max(angleMax, angle);
            }

            Set(values, WindowFeature.RotationRangeDeg, (angleMax - angleMin) * 180 / Math.PI);
            Set(values, WindowFeature.RotationZeroCrossingsPerS, ZeroCrossingsPerS(projection, gMax * 0.1));
        }
        else
        {
            values[(int)WindowFeature.GyroMean..((int)WindowFeature.RotationZeroCrossingsPerS + 1)].Clear();

            for (var i = 0; i < n; i++)
            {
                projection[i] = w[0][i] - mx; // without a gyroscope the along-segment acceleration carries the rhythm
            }
        }

        // Rhythm: dominant period from the autocorrelation of the principal rotation (or acceleration).
        DominantPeriod(projection, out var periodS, out var periodStrength);
        Set(values, WindowFeature.PeriodS, periodS);
        Set(values, WindowFeature.PeriodStrength, periodStrength);

        // Axis correlations (absolute: the sign flips with the side and the mounting).
        Set(values, WindowFeature.AccelCorrelationXY, Math.Abs(Correlation(w[0], w[1])));
        Set(values, WindowFeature.AccelCorrelationXZ, Math.Abs(Correlation(w[0], w[2])));
        Set(values, WindowFeature.AccelCorrelationYZ, Math.Abs(Correlation(w[1], w[2])));
        // Plane of the movement: rotation about the forward axis (frontal plane) or the lateral one (sagittal).
        // Not the gyroscope's axis correlations: a simulated joint turns about one exact axis, so those are ±1
        // in simulation whatever the size of the off-axis parts, and near 0 on a real leg.
        Set(values, WindowFeature.RotationAxisForward, Math.Abs(ey));
        Set(values, WindowFeature.RotationAxisLateral, Math.Abs(ez));
        Set(values, WindowFeature.SideKnown, sideKnown ? 1 : 0);

        // Spectral split of |a| and of the principal rotation: slow exercise vs gait-like vs tremor.
        BandEnergy(projection, values, WindowFeature.EnergyBelow0_5Hz);

        Set(values, WindowFeature.HasGyro, hasGyro ? 1 : 0);
        Set(values, WindowFeature.OnShank, placement == Placement.Shank ? 1 : 0);
        Set(values, WindowFeature.OnThigh, placement == Placement.Thigh ? 1 : 0);

        // Quartiles of the along-segment gravity component: where the segment spends its time.
        Quartiles(w[0], mNorm, values, WindowFeature.GravityAlongP10);
    }

    private static void Set(Span<float> values, WindowFeature feature, double value) => values[(int)feature] = (float)value;

    private static double Mean(double[] x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v;
        }

        return s / x.Length;
    }

    private static double Std(double[] x)
    {
        var m = Mean(x);
        double s = 0;
        foreach (var v in x)
        {
            s += (v - m) * (v - m);
        }

        return Math.Sqrt(s / x.Length);
    }

    /// <summary>Writes a, b, c largest first into the three features from <paramref name="first"/> on.</summary>
    private static void Sorted3(double a, double b, double c, Span<float> values, WindowFeature first)
    {
        var k = (int)first;
        if (a < b)
        {
            (a, b) = (b, a);
        }

        if (b < c)
        {
            (b, c) = (c, b);
        }

        if (a < b)
        {
            (a, b) = (b, a);
        }

        values[k++] = (float)a;
        values[k++] = (float)b;
        values[k++] = (float)c;
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = Mean(x), my = Mean(y), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx < 1e-12 || syy < 1e-12 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Dominant eigenvector of the (uncentred) angular-velocity scatter, by power iteration.</summary>
    private static void PrincipalAxis(double[] x, double[] y, double[] z, out double ex, out double ey, out double ez, out double explained)
    {
        double xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
        for (var i = 0; i < x.Length; i++)
        {
            xx += x[i] * x[i];
            xy += x[i] * y[i];
            xz += x[i] * z[i];
            yy += y[i] * y[i];
            yz += y[i] * z[i];
            zz += z[i] * z[i];
        }

        double vx = 0.577, vy = 0.577, vz = 0.577, lambda = 0;
        for (var iter = 0; iter < 20; iter++)
        {
            var nx = (xx * vx) + (xy * vy) + (xz * vz);
            var ny = (xy * vx) + (yy * vy) + (yz * vz);
            var nz = (xz * vx) + (yz * vy) + (zz * vz);
            lambda = Math.Sqrt((nx * nx) + (ny * ny) + (nz * nz));
            if (lambda < 1e-12)
            {
                break;
            }

            (vx, vy, vz) = (nx / lambda, ny / lambda, nz / lambda);
        }

        var trace = xx + yy + zz;
        (ex, ey, ez) = (vx, vy, vz);
        explained = trace < 1e-12 ? 0 : lambda / trace;
    }

    private static double ZeroCrossingsPerS(double[] x, double hysteresis)
    {
        var crossings = 0;
        var sign = 0;
        foreach (var v in x)
        {
            var s = v > hysteresis ? 1 : v < -hysteresis ? -1 : 0;
            if (s != 0 && s != sign)
            {
                crossings += sign != 0 ? 1 : 0;
                sign = s;
            }
        }

        return crossings / (x.Length * StepS);
    }

    private static void DominantPeriod(double[] x, out double periodS, out double strength)
    {
        var m = Mean(x);
        double r0 = 0;
        foreach (var v in x)
        {
            r0 += (v - m) * (v - m);
        }

        periodS = 0;
        strength = 0;
        if (r0 < 1e-12)
        {
            return;
        }

        var previous = 1.0;
        var falling = true;
        for (var lag = 5; lag < x.Length * 3 / 4; lag++)
        {
            double r = 0;
            for (var i = 0; i + lag < x.Length; i++)
            {
                r += (x[i] - m) * (x[i + lag] - m);
            }

            r /= r0 * (x.Length - lag) / x.Length;
            if (falling && r > previous)
            {
                falling = false; // past the first trough: the next maximum is the period
            }

            if (!falling && r > strength)
            {
                strength = r;
                periodS = lag * StepS;
            }

            previous = r;
        }
    }

    /// <summary>Share of the signal's energy in 0–0.5, 0.5–1.5, 1.5–3 and 3–8 Hz (a few DFT bins, 25 Hz).</summary>
    private static void BandEnergy(double[] x, Span<float> values, WindowFeature first)
    {
        var k = (int)first;
        var n = x.Length;
        var m = Mean(x);
        Span<double> bands = stackalloc double[4];
        double total = 0;
        for (var bin = 1; bin <= n / 2; bin++)
        {
            var f = bin * RateHz / n;
            if (f > 8)
            {
                break;
            }

            double re = 0, im = 0;
            var w = 2 * Math.PI * bin / n;
            for (var i = 0; i < n; i++)
            {
                re += (x[i] - m) * Math.Cos(w * i);
                im -= (x[i] - m) * Math.Sin(w * i);
            }

            var p = (re * re) + (im * im);
            total += p;
            bands[f <= 0.5 ? 0 : f <= 1.5 ? 1 : f <= 3 ? 2 : 3] += p;
        }

        for (var b = 0; b < 4; b++)
        {
            values[k++] = total < 1e-12 ? 0 : (float)(bands[b] / total);
        }
    }

    private static void Quartiles(double[] x, double norm, Span<float> values, WindowFeature first)
    {
        var k = (int)first;
        Span<double> sorted = stackalloc double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            sorted[i] = x[i] / norm;
        }

        sorted.Sort();
        values[k++] = (float)sorted[x.Length / 10];
        values[k++] = (float)sorted[x.Length / 4];
        values[k++] = (float)sorted[x.Length / 2];
        values[k++] = (float)sorted[(x.Length * 3) / 4];
        values[k++] = (float)sorted[(x.Length * 9) / 10];
    }
}

/// <summary>
/// The recogniser's features, in model-input order: the order and names are the contract with a trained model
/// (<see cref="WindowFeatures.Schema"/>). Adding, removing, renaming or moving one means retraining.
/// </summary>
public enum WindowFeature
{
    GravityX,
    GravityAcross,
    GravityY,
    GravityZ,
    AccelMean,
    AccelStd,
    AccelMin,
    AccelMax,
    AccelJerk,
    TiltMaxDeg,
    TiltMeanDeg,
    InclinationRangeDeg,
    AccelSpreadLargest,
    AccelSpreadMiddle,
    AccelSpreadSmallest,
    GyroMean,
    GyroMax,
    GyroSpreadLargest,
    GyroSpreadMiddle,
    GyroSpreadSmallest,
    RotationAxisAlongSegment,
    RotationAxisExplained,
    RotationRangeDeg,
    RotationZeroCrossingsPerS,
    PeriodS,
    PeriodStrength,
    AccelCorrelationXY,
    AccelCorrelationXZ,
    AccelCorrelationYZ,
    RotationAxisForward,
    RotationAxisLateral,
    SideKnown,
    EnergyBelow0_5Hz,
    Energy0_5To1_5Hz,
    Energy1_5To3Hz,
    Energy3To8Hz,
    HasGyro,
    OnShank,
    OnThigh,
    GravityAlongP10,
    GravityAlongP25,
    GravityAlongP50,
    GravityAlongP75,
    GravityAlongP90,

    /// <summary>Not a feature: how many there are.</summary>
    Count,
}
