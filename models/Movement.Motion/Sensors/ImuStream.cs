using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sensors;

/// <summary>A heel strike; the impact jolts the leg's sensors (strongly on the striking leg).</summary>
/// <param name="TimeS">Time on the session's axis.</param>
/// <param name="InstrumentedLeg">True for the leg that wears the sensor.</param>
public readonly record struct HeelStrike(double TimeS, bool InstrumentedLeg);

/// <summary>
/// Samples one simulated sensor in time order: ideal physics (<see cref="ImuPhysics"/>), then the sensor's
/// mounting, scale, bias, noise, clock error, jitter and saturation. Pull-based and seeded, so a simulator can
/// stream it in real time (<see cref="ReadUntil"/>) and a trainer can read it to the end; same seed, same samples.
/// </summary>
public sealed class ImuStream
{
    private const double ImpactTimeConstantS = 0.02;
    private const double ImpactHz = 18;

    private readonly LegKinematics _leg;
    private readonly HeelStrike[] _strikes;
    private readonly SensorSpec _spec;
    private readonly long _startUnixUs;
    private readonly Random _random;
    private readonly double _periodS;
    private readonly int _subSamples;
    private readonly double _impactMps2;
    private readonly double _endTimeS;
    private long _index;
    private ImuSample? _pending;

    public ImuStream(LegKinematics leg, IReadOnlyList<HeelStrike> heelStrikes, SensorSpec spec, long startUnixUs, int seed, double? endTimeS = null)
    {
        if (spec.SampleRateHz is < 1 or > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.SampleRateHz, "SampleRateHz must be within 1..2000");
        }

        _leg = leg;
        _strikes = [.. heelStrikes.OrderBy(s => s.TimeS)];
        _spec = spec;
        _startUnixUs = startUnixUs;
        _random = new Random(seed);
        _periodS = 1.0 / (spec.SampleRateHz * (1 + (spec.RateErrorPpm * 1e-6)));
        // Real sensors low-pass before decimating; averaging sub-samples over the period stands in for that filter.
        _subSamples = Math.Clamp((int)Math.Ceiling(100 / spec.SampleRateHz), 1, 4);
        _impactMps2 = spec.Placement == Placement.Thigh ? 10 : 25;
        _endTimeS = endTimeS ?? leg.EndTimeS;
    }

    public SensorSpec Spec => _spec;

    /// <summary>Session time of the last sample this stream will produce.</summary>
    public double EndTimeS => _endTimeS;

    /// <summary>Unix µs of session time 0.</summary>
    public long StartUnixUs => _startUnixUs;

    /// <summary>True when every sample up to <see cref="EndTimeS"/> has been read.</summary>
    public bool Completed => _pending is null && SampleTimeS(_index) > _endTimeS;

    /// <summary>Appends every not-yet-read sample with timestamp ≤ <paramref name="unixUs"/>; returns how many.</summary>
    public int ReadUntil(long unixUs, ICollection<ImuSample> into)
    {
        var count = 0;
        while (true)
        {
            _pending ??= NextOrNull();
            if (_pending is not { } sample || sample.TimestampUs > unixUs)
            {
                return count;
            }

            into.Add(sample);
            _pending = null;
            count++;
        }
    }

    /// <summary>All remaining samples.</summary>
    public IEnumerable<ImuSample> ReadToEnd()
    {
        while (true)
        {
            var sample = _pending ?? NextOrNull();
            _pending = null;
            if (sample is null)
            {
                yield break;
            }

            yield return sample.Value;
        }
    }

    private double SampleTimeS(long index) => index * _periodS;

    private ImuSample? NextOrNull()
    {
        var nominal = SampleTimeS(_index);
        if (nominal > _endTimeS)
        {
            return null;
        }

        _index++;
        var jitter = Math.Clamp(Gaussian() * _spec.JitterFraction, -0.3, 0.3) * _periodS;
        var t = Math.Max(0, nominal + jitter);

        var accel = Vec3.Zero;
        var gyro = Vec3.Zero;
        for (var k = 0; k < _subSamples; k++)
        {
            var tk = t + ((((k + 0.5) / _subSamples) - 0.5) * _periodS);
            var reading = ImuPhysics.Measure(_leg, _spec, tk, Impact(tk));
            accel += reading.AccelMps2;
            gyro += reading.GyroRadPerS;
        }

        accel /= _subSamples;
        gyro /= _subSamples;

        var a = Degrade(accel, _spec.AccelScaleError, _spec.AccelBiasMps2, _spec.AccelNoiseMps2, _spec.AccelRangeMps2);
        var timestampUs = _startUnixUs + (long)Math.Round(t * 1e6);
        if (!_spec.HasGyro)
        {
            return new ImuSample(timestampUs, (float)a.X, (float)a.Y, (float)a.Z);
        }

        var g = Degrade(gyro, _spec.GyroScaleError, _spec.GyroBiasRadPerS, _spec.GyroNoiseRadPerS, _spec.GyroRangeRadPerS);
        return new ImuSample(timestampUs, (float)a.X, (float)a.Y, (float)a.Z, (float)g.X, (float)g.Y, (float)g.Z);
    }

    private Vec3 Degrade(Vec3 v, Vec3 scale, Vec3 bias, double noise, double range) => new(
        Math.Clamp((v.X * (1 + scale.X)) + bias.X + (noise * Gaussian()), -range, range),
        Math.Clamp((v.Y * (1 + scale.Y)) + bias.Y + (noise * Gaussian()), -range, range),
        Math.Clamp((v.Z * (1 + scale.Z)) + bias.Z + (noise * Gaussian()), -range, range));

    /// <summary>Damped jolt after each heel strike, upward and braking, in world axes.</summary>
    private Vec3 Impact(double t)
    {
        if (_strikes.Length == 0)
        {
            return Vec3.Zero;
        }

        var total = 0.0;
        var i = LastStrikeAtOrBefore(t);
        for (; i >= 0 && t - _strikes[i].TimeS < 10 * ImpactTimeConstantS; i--)
        {
            var dt = t - _strikes[i].TimeS;
            var gain = _strikes[i].InstrumentedLeg ? 1.0 : 0.2;
            total += gain * _impactMps2 * Math.Exp(-dt / ImpactTimeConstantS) * Math.Sin(2 * Math.PI * ImpactHz * dt);
        }

        return new Vec3(-0.5 * total, 0, total);
    }

    private int LastStrikeAtOrBefore(double t)
    {
        int lo = 0, hi = _strikes.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_strikes[mid].TimeS <= t)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
