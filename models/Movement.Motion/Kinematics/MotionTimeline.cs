using Movement.Protocol;

namespace Movement.Motion.Kinematics;

/// <summary>
/// Builds a leg's keyframe timeline: move to a pose over a duration with a given chain anchor, hold, and so on.
/// </summary>
internal sealed class MotionTimeline
{
    private readonly List<double> _times = [];
    private readonly List<JointPose> _poses = [];
    private readonly List<ChainAnchor> _anchors = [];

    public MotionTimeline(JointPose start, ChainAnchor anchor, double startTimeS = 0)
    {
        _times.Add(startTimeS);
        _poses.Add(start.WithFlatFootResolved());
        _anchors.Add(anchor);
    }

    public double TimeS => _times[^1];

    public JointPose Pose => _poses[^1];

    public ChainAnchor Anchor => _anchors[^1];

    /// <summary>Moves to <paramref name="pose"/> over <paramref name="durationS"/> with <paramref name="anchor"/> fixed.</summary>
    public void MoveTo(JointPose pose, double durationS, ChainAnchor anchor)
    {
        if (durationS <= 1e-6)
        {
            return;
        }

        // The anchor belongs to the interval starting at the current last keyframe.
        _anchors[^1] = anchor;
        _times.Add(TimeS + durationS);
        _poses.Add(pose.WithFlatFootResolved());
        _anchors.Add(anchor);
    }

    public void MoveTo(JointPose pose, double durationS) => MoveTo(pose, durationS, Anchor);

    public void Hold(double durationS, ChainAnchor anchor) => MoveTo(Pose, durationS, anchor);

    public void Hold(double durationS) => MoveTo(Pose, durationS, Anchor);

    public LegKinematics Build(BodyDimensions body, Side side, LegNoise noise) => new(_times, _poses, _anchors, body, side, noise);
}
