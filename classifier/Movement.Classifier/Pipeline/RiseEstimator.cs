using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// How far a knee sensor rises and falls, from its vertical acceleration, for a heel raise: the ankle turns but
/// neither leg segment does, so all a thigh or shank sensor feels is the body going up a few centimetres and back.
/// The vertical acceleration is integrated twice through leaky integrators (a band-pass around the pace of a rep),
/// which cannot drift away the way a plain double integral does, at the price of shape: a rise and its hold come
/// out as a positive swing, the lowering as a negative one. The swing is reported as the ankle angle that would lift
/// the leg by that much, so a heel raise gets a range in degrees; it is a relative measure, for comparing a
/// participant's reps with each other (the baseline and partial-range flags), not an absolute ankle angle.
/// </summary>
internal struct RiseEstimator
{
    /// <summary>Ankle joint to the ball of the foot, which the heel raise pivots about (adult foot, roughly).</summary>
    public const double ForefootLeverM = 0.14;

    private const double RadToDeg = 180 / Math.PI;
    private const double RestTimeConstantS = 3;
    private const double VelocityLeakTimeConstantS = 2.0;
    private const double HeightLeakTimeConstantS = 2.0;

    private const double WarmUpS = 0.5;
    private double _warmUpS;
    private double _warmUpSum;
    private int _warmUpCount;
    private double _restMagnitude;
    private double _velocityMs;
    private double _heightM;

    /// <summary>Band-passed height, metres.</summary>
    public readonly double HeightM => _heightM;

    /// <summary>The ankle angle that lifts the leg by <see cref="HeightM"/>.</summary>
    public readonly double AnkleAngleDeg => Math.Asin(Math.Clamp(_heightM / ForefootLeverM, -1, 1)) * RadToDeg;

    /// <summary>Rate of that angle (small-angle approximation), degrees per second.</summary>
    public readonly double AnkleSpeedDps => _velocityMs / ForefootLeverM * RadToDeg;

    /// <param name="accel">Accelerometer reading (specific force), m/s², sensor frame.</param>
    /// <param name="up">Unit vector pointing up in the sensor frame (the orientation filter's gravity direction).</param>
    public void Update(Vec3 accel, Vec3 up, double dtS)
    {
        var magnitude = accel.Dot(up);
        if (_warmUpS < WarmUpS)
        {
            // The slow mean absorbs the accelerometer's scale and offset along the vertical. Start it from an average,
            // not one noisy sample: the band-pass turns a constant offset of 0.03 m/s² into a 4.5 cm rise.
            _warmUpS += dtS;
            _warmUpSum += magnitude;
            _warmUpCount++;
            _restMagnitude = _warmUpSum / _warmUpCount;
            return;
        }

        _restMagnitude += (magnitude - _restMagnitude) * Math.Min(1, dtS / RestTimeConstantS);
        _velocityMs += (magnitude - _restMagnitude) * dtS;
        _velocityMs -= _velocityMs * Math.Min(1, dtS / VelocityLeakTimeConstantS);
        _heightM += _velocityMs * dtS;
        _heightM -= _heightM * Math.Min(1, dtS / HeightLeakTimeConstantS);
    }
}
