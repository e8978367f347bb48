using Movement.Protocol;

namespace Movement.Motion.Kinematics;

/// <summary>Segment lengths of one leg, metres.</summary>
/// <param name="ThighLengthM">Hip joint centre to knee joint centre.</param>
/// <param name="ShankLengthM">Knee joint centre to ankle joint centre.</param>
/// <param name="FootLengthM">Ankle joint centre to the metatarsal heads (the pivot of a heel raise).</param>
public sealed record BodyDimensions(double ThighLengthM, double ShankLengthM, double FootLengthM)
{
    /// <summary>Segment lengths as fractions of stature (Winter, Biomechanics and Motor Control of Human Movement, 4th ed., table 4.1).</summary>
    public static BodyDimensions FromHeight(double heightM) => new(0.245 * heightM, 0.246 * heightM, 0.11 * heightM);
}

/// <summary>
/// The instrumented leg at one instant in the world frame (x forward, y left, z up; metres).
/// Segment frames: x anterior, y left, z proximal (along the segment towards the body) when standing upright.
/// </summary>
public readonly record struct LegPose(
    double TimeS,
    JointPose Angles,
    Vec3 Hip,
    Vec3 Knee,
    Vec3 Ankle,
    Vec3 Toe,
    Mat3 Thigh,
    Mat3 Shank,
    Mat3 Foot);

/// <summary>
/// Forward kinematics of one leg over time: keyframed joint angles (smoothly interpolated), a chain anchor per
/// interval (which point stays put), plus tremor and medio-lateral wobble. Deterministic for given inputs.
/// </summary>
public sealed class LegKinematics
{
    private readonly double[] _times;
    private readonly MonotoneCubic[] _channels;
    private readonly double[][] _values;
    private readonly ChainAnchor[] _anchors;
    private readonly Vec3[] _anchorPositions;
    private readonly BodyDimensions _body;
    private readonly double _sideSign;
    private readonly LegNoise _noise;

    internal LegKinematics(IReadOnlyList<double> times, IReadOnlyList<JointPose> poses, IReadOnlyList<ChainAnchor> anchors,
        BodyDimensions body, Side side, LegNoise noise)
    {
        _times = [.. times];
        _anchors = [.. anchors];
        _body = body;
        _sideSign = side == Side.Right ? 1 : -1;
        _noise = noise;
        _values = new double[JointPose.ChannelCount][];
        _channels = new MonotoneCubic[JointPose.ChannelCount];
        for (var c = 0; c < JointPose.ChannelCount; c++)
        {
            _values[c] = poses.Select(p => p.ToChannels()[c]).ToArray();
            _channels[c] = new MonotoneCubic(_times, _values[c]);
        }

        // Anchor positions make the chain continuous when the anchor changes (e.g. foot lands on the step).
        _anchorPositions = new Vec3[_times.Length];
        _anchorPositions[0] = _anchors[0] switch
        {
            ChainAnchor.Hip => new Vec3(0, 0, 0.9),
            _ => new Vec3(0, 0, 0.08),
        };
        for (var i = 1; i < _times.Length; i++)
        {
            var previous = Evaluate(i - 1, _times[i], withNoise: true);
            _anchorPositions[i] = _anchors[i] switch
            {
                ChainAnchor.Hip => previous.Hip,
                ChainAnchor.Ankle => previous.Ankle,
                _ => previous.Toe,
            };
        }
    }

    /// <summary>A leg held still in one pose for <paramref name="durationS"/> seconds (no tremor): for calibration and tests.</summary>
    public static LegKinematics Still(JointPose pose, BodyDimensions body, Side side, double durationS = 10)
    {
        var timeline = new MotionTimeline(pose, ChainAnchor.Hip);
        timeline.Hold(durationS);
        return timeline.Build(body, side, LegNoise.None);
    }

    /// <summary>
    /// A leg moving smoothly (monotone cubic) through <paramref name="poses"/>, one every
    /// <paramref name="stepS"/> seconds, with <paramref name="anchor"/> fixed; no tremor.
    /// </summary>
    public static LegKinematics Through(IReadOnlyList<JointPose> poses, double stepS, ChainAnchor anchor, BodyDimensions body, Side side)
    {
        var timeline = new MotionTimeline(poses[0], anchor);
        foreach (var pose in poses.Skip(1))
        {
            timeline.MoveTo(pose, stepS, anchor);
        }

        return timeline.Build(body, side, LegNoise.None);
    }

    public BodyDimensions Body => _body;

    public Side Side => _sideSign > 0 ? Side.Right : Side.Left;

    public double EndTimeS => _times[^1];

    /// <summary>Pose including tremor and wobble: what the sensors see.</summary>
    public LegPose PoseAt(double timeS) => Evaluate(IntervalOf(timeS), timeS, withNoise: true);

    /// <summary>The intended joint angles (no tremor, no wobble): the ground truth of the movement.</summary>
    public JointPose AnglesAt(double timeS)
    {
        var i = IntervalOf(timeS);
        Span<double> c = stackalloc double[JointPose.ChannelCount];
        for (var k = 0; k < c.Length; k++)
        {
            c[k] = _channels[k].Evaluate(i, timeS);
        }

        return JointPose.FromChannels(c);
    }

    private int IntervalOf(double timeS)
    {
        var index = Array.BinarySearch(_times, timeS);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return Math.Clamp(index, 0, _times.Length - 1);
    }

    private LegPose Evaluate(int i, double t, bool withNoise)
    {
        Span<double> c = stackalloc double[JointPose.ChannelCount];
        for (var k = 0; k < c.Length; k++)
        {
            c[k] = _channels[k].Evaluate(i, t);
        }

        var angles = JointPose.FromChannels(c);
        var thigh = angles.ThighDeg;
        var knee = angles.KneeFlexDeg;
        var frontalDeg = angles.CollapseDeg;
        if (withNoise)
        {
            thigh += _noise.TremorThighDeg(t);
            knee += _noise.TremorKneeDeg(t);
            frontalDeg += angles.WobbleDeg * _noise.WobbleUnit(t);
        }

        var shank = thigh - knee;
        var foot = shank + 90 - angles.AnklePlantarDeg;
        var thighRad = Deg(thigh);
        var shankRad = Deg(shank);
        var footRad = Deg(foot);

        var kneeLocal = _body.ThighLengthM * Down(thighRad);
        var ankleLocal = kneeLocal + (_body.ShankLengthM * Down(shankRad));
        var toeLocal = ankleLocal + (_body.FootLengthM * Down(footRad));

        // Knee collapse moves the knee medially: +y for a right leg, -y for a left one.
        var anterior = Mat3.RotY(-Deg(angles.BodyPitchDeg)) * new Vec3(1, 0, 0);
        var frontal = Mat3.AxisAngle(anterior, -_sideSign * Deg(frontalDeg));

        var anchorLocal = _anchors[i] switch
        {
            ChainAnchor.Hip => Vec3.Zero,
            ChainAnchor.Ankle => ankleLocal,
            _ => toeLocal,
        };
        var anchor = _anchorPositions[i];
        if (_anchors[i] == ChainAnchor.Hip)
        {
            anchor += new Vec3(angles.HipXM - _values[6][i], 0, angles.HipZM - _values[7][i]);
        }

        Vec3 World(Vec3 local) => anchor + (frontal * (local - anchorLocal));

        return new LegPose(
            t,
            angles with { ThighDeg = thigh, KneeFlexDeg = knee },
            World(Vec3.Zero),
            World(kneeLocal),
            World(ankleLocal),
            World(toeLocal),
            frontal * Mat3.RotY(-thighRad),
            frontal * Mat3.RotY(-shankRad),
            frontal * Mat3.RotY(Deg(90) - footRad));
    }

    /// <summary>Unit vector along a segment that is <paramref name="angleRad"/> forward of straight down.</summary>
    private static Vec3 Down(double angleRad) => new(Math.Sin(angleRad), 0, -Math.Cos(angleRad));

    private static double Deg(double degrees) => degrees * Math.PI / 180.0;
}

/// <summary>Tremor and wobble waveforms of one person (seeded).</summary>
internal sealed class LegNoise
{
    private readonly double _tremorDeg;
    private readonly double _tremorHz1;
    private readonly double _tremorHz2;
    private readonly double _phase1;
    private readonly double _phase2;
    private readonly double _wobbleHz1;
    private readonly double _wobbleHz2;
    private readonly double _phase3;
    private readonly double _phase4;

    public LegNoise(double tremorDeg, double tremorHz, Random random)
    {
        _tremorDeg = tremorDeg;
        _tremorHz1 = tremorHz;
        _tremorHz2 = tremorHz * (1.3 + (0.2 * random.NextDouble()));
        _phase1 = random.NextDouble() * 2 * Math.PI;
        _phase2 = random.NextDouble() * 2 * Math.PI;
        _wobbleHz1 = 1.5 + random.NextDouble();
        _wobbleHz2 = 2.5 + random.NextDouble();
        _phase3 = random.NextDouble() * 2 * Math.PI;
        _phase4 = random.NextDouble() * 2 * Math.PI;
    }

    public static LegNoise None { get; } = new(0, 5, new Random(0));

    public double TremorThighDeg(double t) => _tremorDeg * Math.Sin((2 * Math.PI * _tremorHz1 * t) + _phase1);

    public double TremorKneeDeg(double t) => 0.6 * _tremorDeg * Math.Sin((2 * Math.PI * _tremorHz2 * t) + _phase2);

    /// <summary>Irregular medio-lateral sway in -1..1.</summary>
    public double WobbleUnit(double t) =>
        (0.7 * Math.Sin((2 * Math.PI * _wobbleHz1 * t) + _phase3)) + (0.3 * Math.Sin((2 * Math.PI * _wobbleHz2 * t) + _phase4));
}
