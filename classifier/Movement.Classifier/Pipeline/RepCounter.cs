using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>A completed repetition as measured on one sensor stream.</summary>
public readonly record struct RepMeasurement(long StartUs, long EndUs, double RomDeg, double PeakAngularVelocityDps)
{
    public double DurationS => (EndUs - StartUs) / 1e6;
}

/// <summary>
/// Counts repetitions on one sensor stream: tilt of the gravity vector away from the resting orientation,
/// with hysteresis. Mounting-agnostic because it measures angle from rest, not about a fixed axis.
/// </summary>
public sealed class RepCounter(double startAngleDeg, double endAngleDeg)
{
    private const double LowPassTimeConstantS = 0.08;
    private (double X, double Y, double Z) _gravity;
    private (double X, double Y, double Z)? _rest;
    private long _lastUs = long.MinValue;
    private bool _inRep;
    private long _repStartUs;
    private double _peakDeg;
    private double _peakRateDps;
    private double _lastAngleDeg;

    public double CurrentAngleDeg => _lastAngleDeg;

    /// <summary>Feeds one sample; returns a repetition when this sample completes one.</summary>
    public RepMeasurement? Add(in ImuSample sample)
    {
        if (_lastUs == long.MinValue)
        {
            _gravity = (sample.AccelX, sample.AccelY, sample.AccelZ);
            _rest = _gravity;
            _lastUs = sample.TimestampUs;
            return null;
        }

        var dt = Math.Clamp((sample.TimestampUs - _lastUs) / 1e6, 0, 1);
        _lastUs = sample.TimestampUs;
        var alpha = dt / (LowPassTimeConstantS + dt);
        _gravity = (
            _gravity.X + (alpha * (sample.AccelX - _gravity.X)),
            _gravity.Y + (alpha * (sample.AccelY - _gravity.Y)),
            _gravity.Z + (alpha * (sample.AccelZ - _gravity.Z)));

        var angle = AngleBetweenDeg(_gravity, _rest!.Value);
        var rateDps = dt > 0 ? Math.Abs(angle - _lastAngleDeg) / dt : 0;
        if (sample.HasGyro)
        {
            rateDps = Math.Sqrt((sample.GyroX * sample.GyroX) + (sample.GyroY * sample.GyroY) + (sample.GyroZ * sample.GyroZ)) * 180 / Math.PI;
        }

        _lastAngleDeg = angle;
        if (!_inRep)
        {
            if (angle >= startAngleDeg)
            {
                _inRep = true;
                _repStartUs = sample.TimestampUs;
                _peakDeg = angle;
                _peakRateDps = rateDps;
            }
            else if (angle < endAngleDeg)
            {
                // Slowly follow the resting orientation so drift in posture does not accumulate.
                var r = _rest.Value;
                const double follow = 0.01;
                _rest = (r.X + (follow * (_gravity.X - r.X)), r.Y + (follow * (_gravity.Y - r.Y)), r.Z + (follow * (_gravity.Z - r.Z)));
            }

            return null;
        }

        _peakDeg = Math.Max(_peakDeg, angle);
        _peakRateDps = Math.Max(_peakRateDps, rateDps);
        if (angle > endAngleDeg)
        {
            return null;
        }

        _inRep = false;
        return new RepMeasurement(_repStartUs, sample.TimestampUs, _peakDeg, _peakRateDps);
    }

    private static double AngleBetweenDeg((double X, double Y, double Z) a, (double X, double Y, double Z) b)
    {
        var dot = (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);
        var norms = Math.Sqrt(((a.X * a.X) + (a.Y * a.Y) + (a.Z * a.Z)) * ((b.X * b.X) + (b.Y * b.Y) + (b.Z * b.Z)));
        return norms == 0 ? 0 : Math.Acos(Math.Clamp(dot / norms, -1, 1)) * 180 / Math.PI;
    }
}
