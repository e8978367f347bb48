using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>
/// A shank-worn IMU on a participant doing seated knee extensions with rests: the shank swings from hanging
/// (0°) towards horizontal and back. Sensor frame: x along the shank towards the foot, y forward, z lateral.
/// The accelerometer sees gravity rotated into that frame plus the tangential and centripetal acceleration
/// of the mounting point; the gyroscope sees the shank's angular velocity about z.
/// </summary>
public sealed class SimulatedKneeSensor
{
    private const double Gravity = 9.80665;
    private const double MountRadiusM = 0.25;
    private readonly Random _random;
    private readonly double _romDeg;
    private readonly double _repSeconds;
    private readonly double _restSeconds;
    private readonly int _repsPerSet;
    private readonly double _setRestSeconds;

    public SimulatedKneeSensor(string sensorId, int seed)
    {
        SensorId = sensorId;
        _random = new Random(seed);
        _romDeg = 60 + (_random.NextDouble() * 30);
        _repSeconds = 2.5 + _random.NextDouble();
        _restSeconds = 0.5 + _random.NextDouble();
        _repsPerSet = 10;
        _setRestSeconds = 20 + (_random.NextDouble() * 10);
        PhaseOffsetSeconds = _random.NextDouble() * 30;
    }

    public string SensorId { get; }

    public double PhaseOffsetSeconds { get; }

    public uint NextSequence { get; set; }

    public long StepsTotal { get; set; }

    /// <summary>Shank angle from vertical in radians at time <paramref name="t"/> seconds.</summary>
    public double AngleRad(double t)
    {
        var cycle = _repSeconds + _restSeconds;
        var setLength = (_repsPerSet * cycle) + _setRestSeconds;
        var inSet = (t + PhaseOffsetSeconds) % setLength;
        if (inSet >= _repsPerSet * cycle)
        {
            return 0;
        }

        var inRep = inSet % cycle;
        if (inRep >= _repSeconds)
        {
            return 0;
        }

        // Raised-cosine profile: smooth start and stop, peak at mid-rep.
        var phase = inRep / _repSeconds;
        return _romDeg * Math.PI / 180 * 0.5 * (1 - Math.Cos(2 * Math.PI * phase));
    }

    public ImuSample Sample(long timestampUs, double t)
    {
        const double dt = 1e-3;
        var angle = AngleRad(t);
        var velocity = (AngleRad(t + dt) - AngleRad(t - dt)) / (2 * dt);
        var acceleration = (AngleRad(t + dt) - (2 * angle) + AngleRad(t - dt)) / (dt * dt);

        // Specific force = linear acceleration minus gravity, expressed in the sensor frame.
        var ax = (-Gravity * Math.Cos(angle)) - (MountRadiusM * velocity * velocity);
        var ay = (Gravity * Math.Sin(angle)) + (MountRadiusM * acceleration);
        var noise = () => (float)((_random.NextDouble() - 0.5) * 0.05);
        return new ImuSample(timestampUs,
            (float)ax + noise(), (float)ay + noise(), noise(),
            noise() * 0.1f, noise() * 0.1f, (float)velocity + (noise() * 0.1f));
    }
}
