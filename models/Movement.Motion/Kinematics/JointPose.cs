namespace Movement.Motion.Kinematics;

/// <summary>Which point of the leg stays put in world while the joint angles change.</summary>
public enum ChainAnchor
{
    /// <summary>Open chain: the hip joint holds still (or follows the hip path), the foot moves (knee extension, marching swing).</summary>
    Hip,

    /// <summary>Closed chain: the ankle holds still, the hip moves (squat, sit-to-stand, lunge).</summary>
    Ankle,

    /// <summary>The forefoot holds still (heel raise).</summary>
    Toe,
}

/// <summary>
/// The posture of the instrumented leg at one instant, as sagittal-plane angles in degrees plus small
/// frontal-plane terms. Angles follow docs/motion-model.md: <see cref="ThighDeg"/> is the thigh's angle from
/// pointing straight down, positive when the knee moves forward/up; knee flexion bends the shank back.
/// </summary>
/// <param name="BodyPitchDeg">Backward tilt of the pelvis: 0 upright (standing, seated), 90 lying supine, negative leaning forward.</param>
/// <param name="ThighDeg">Absolute thigh angle from straight down (sagittal).</param>
/// <param name="KneeFlexDeg">Knee flexion (0 straight).</param>
/// <param name="AnklePlantarDeg">Ankle plantarflexion (negative = dorsiflexion); NaN when building means "foot flat on the floor".</param>
/// <param name="CollapseDeg">Slow frontal-plane deviation of the leg (knee collapse inward), degrees.</param>
/// <param name="WobbleDeg">Amplitude of medio-lateral wobble (1.5–3.5 Hz), degrees.</param>
/// <param name="HipXM">Forward travel of the hip (walking), metres; only used while the hip is the anchor.</param>
/// <param name="HipZM">Vertical offset of the hip (walking bob), metres; only used while the hip is the anchor.</param>
public readonly record struct JointPose(
    double BodyPitchDeg,
    double ThighDeg,
    double KneeFlexDeg,
    double AnklePlantarDeg,
    double CollapseDeg = 0,
    double WobbleDeg = 0,
    double HipXM = 0,
    double HipZM = 0)
{
    public const int ChannelCount = 8;

    /// <summary>Shank angle from straight down.</summary>
    public double ShankDeg => ThighDeg - KneeFlexDeg;

    /// <summary>Hip flexion relative to the pelvis.</summary>
    public double HipFlexDeg => ThighDeg - BodyPitchDeg;

    /// <summary>With a NaN ankle replaced by the angle that keeps the foot flat on level ground.</summary>
    public JointPose WithFlatFootResolved() =>
        double.IsNaN(AnklePlantarDeg) ? this with { AnklePlantarDeg = ShankDeg } : this;

    public static JointPose Lerp(JointPose a, JointPose b, double f) => FromChannels(a.ToChannels().Zip(b.ToChannels(), (x, y) => x + ((y - x) * f)).ToArray());

    internal double[] ToChannels() => [BodyPitchDeg, ThighDeg, KneeFlexDeg, AnklePlantarDeg, CollapseDeg, WobbleDeg, HipXM, HipZM];

    internal static JointPose FromChannels(ReadOnlySpan<double> c) => new(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}
