using Movement.Protocol;

namespace Movement.Benchmarks.Motion;

/// <summary>A repetition the motion performs: the ground truth the classifier's events are checked against.</summary>
/// <param name="StartS">Seconds from the stream's start when the shank leaves rest.</param>
/// <param name="EndS">Seconds from the stream's start when it is back at rest.</param>
public readonly record struct PlannedRep(double StartS, double EndS, double RomDeg);

/// <summary>
/// A shank-worn 100 Hz IMU of someone doing seated knee extensions in sets: the shank swings from hanging
/// (0°) up by 60-90° and back with a raised-cosine profile, rests briefly between reps and longer between
/// sets. Same sensor frame as the gateway's simulator (x along the shank, y forward, z lateral) so the
/// accelerometer sees rotated gravity plus the mounting point's tangential and centripetal acceleration.
/// Deterministic per seed, and it starts at rest so a classifier can learn the resting orientation.
/// Shared by the benchmarks and the load harness (linked source) so both feed the same motion.
/// </summary>
public sealed class KneeExtensionMotion
{
    private const double Gravity = Movement.Protocol.Gravity.StandardMps2;
    private const double MountRadiusM = 0.25;
    private const int RepsPerSet = 10;
    private readonly Random _random;
    private readonly List<PlannedRep> _plan = [];
    private double _plannedUntilS;
    private int _repsInSet;
    private int _cursor;

    public KneeExtensionMotion(int seed)
    {
        _random = new Random(seed);
        _plannedUntilS = 1.0 + (_random.NextDouble() * 2.0);
    }

    /// <summary>Every repetition planned so far, in order (the plan extends as samples are asked for).</summary>
    public IReadOnlyList<PlannedRep> Plan => _plan;

    /// <summary>The sample at <paramref name="timeS"/> seconds from the stream's start; times should not decrease.</summary>
    public ImuSample Sample(long timestampUs, double timeS)
    {
        PlanUntil(timeS + 10);
        while (_cursor < _plan.Count && _plan[_cursor].EndS <= timeS)
        {
            _cursor++;
        }

        double angle = 0, velocity = 0, acceleration = 0;
        if (_cursor < _plan.Count && _plan[_cursor].StartS <= timeS)
        {
            var rep = _plan[_cursor];
            var duration = rep.EndS - rep.StartS;
            var amplitude = rep.RomDeg * Math.PI / 180 * 0.5;
            var phase = 2 * Math.PI * (timeS - rep.StartS) / duration;
            angle = amplitude * (1 - Math.Cos(phase));
            velocity = amplitude * 2 * Math.PI / duration * Math.Sin(phase);
            acceleration = amplitude * 4 * Math.PI * Math.PI / (duration * duration) * Math.Cos(phase);
        }

        // Specific force (linear acceleration minus gravity) in the sensor frame, plus a little noise.
        var ax = (-Gravity * Math.Cos(angle)) - (MountRadiusM * velocity * velocity);
        var ay = (Gravity * Math.Sin(angle)) + (MountRadiusM * acceleration);
        return new ImuSample(timestampUs,
            (float)ax + Noise(0.05), (float)ay + Noise(0.05), Noise(0.05),
            Noise(0.005), Noise(0.005), (float)velocity + Noise(0.005));
    }

    /// <summary>Consecutive samples at <paramref name="sampleRateHz"/> starting at <paramref name="startUs"/> (stream time 0).</summary>
    public ImuSample[] Samples(long startUs, int count, double sampleRateHz = 100)
    {
        var samples = new ImuSample[count];
        var periodUs = 1e6 / sampleRateHz;
        for (var i = 0; i < count; i++)
        {
            var offsetUs = (long)(i * periodUs);
            samples[i] = Sample(startUs + offsetUs, offsetUs / 1e6);
        }

        return samples;
    }

    private float Noise(double amplitude) => (float)((_random.NextDouble() - 0.5) * amplitude);

    private void PlanUntil(double timeS)
    {
        while (_plannedUntilS < timeS)
        {
            var duration = 2.5 + _random.NextDouble();
            var rom = 60 + (_random.NextDouble() * 30);
            _plan.Add(new PlannedRep(_plannedUntilS, _plannedUntilS + duration, rom));
            _plannedUntilS += duration;
            if (++_repsInSet == RepsPerSet)
            {
                _repsInSet = 0;
                _plannedUntilS += 8 + (_random.NextDouble() * 7);
            }
            else
            {
                _plannedUntilS += 0.6 + (_random.NextDouble() * 0.8);
            }
        }
    }
}
