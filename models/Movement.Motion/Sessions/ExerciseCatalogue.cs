using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>Body position an exercise is done in; it decides how gravity falls on the leg.</summary>
public enum Posture
{
    Seated,
    Standing,
    Supine,
}

/// <summary>The joint whose range of motion is the exercise's <c>rom_deg</c>.</summary>
public enum PrimaryJoint
{
    Knee,
    Hip,
    Ankle,
}

/// <summary>
/// One exercise of the catalogue. A repetition moves from the start pose to the peak pose (scaled by the
/// reached range) with <see cref="MoveAnchor"/> fixed, holds, returns, then pauses with <see cref="RestAnchor"/>.
/// Step-up and walking have their own sequences.
/// </summary>
public sealed record ExerciseDefinition(
    string Id,
    Posture Posture,
    PrimaryJoint PrimaryJoint,
    ChainAnchor MoveAnchor,
    ChainAnchor RestAnchor,
    double UpS,
    double HoldS,
    double DownS,
    double PauseS,
    string Description)
{
    /// <summary>Primary joint angle of a pose, degrees.</summary>
    public double PrimaryAngle(JointPose pose) => PrimaryAngleOf(PrimaryJoint, pose);

    internal static double PrimaryAngleOf(PrimaryJoint joint, JointPose pose) => joint switch
    {
        PrimaryJoint.Hip => pose.HipFlexDeg,
        PrimaryJoint.Ankle => pose.AnklePlantarDeg,
        _ => pose.KneeFlexDeg,
    };

    /// <summary>Nominal duration of one rep with its pause, seconds.</summary>
    public double NominalCycleS => UpS + HoldS + DownS + PauseS;
}

/// <summary>The exercises the model can perform, with their ids from <see cref="ExerciseIds"/>.</summary>
public static class ExerciseCatalogue
{
    private static readonly ExerciseDefinition[] Definitions =
    [
        new(ExerciseIds.SitToStand, Posture.Seated, PrimaryJoint.Knee, ChainAnchor.Ankle, ChainAnchor.Ankle, 1.6, 0.8, 2.0, 1.2,
            "Rise from a chair to standing and sit back down; feet stay on the floor."),
        new(ExerciseIds.KneeExtension, Posture.Seated, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Hip, 1.2, 3.8, 1.2, 1.5,
            "Seated, straighten the knee until the leg is level, hold, lower."),
        new(ExerciseIds.MiniSquat, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Ankle, ChainAnchor.Ankle, 1.2, 0.5, 1.2, 1.0,
            "Standing, bend the knees to about 45 degrees and straighten."),
        new(ExerciseIds.Squat, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Ankle, ChainAnchor.Ankle, 1.6, 0.6, 1.6, 1.2,
            "Standing, squat to about 95 degrees of knee flexion with the trunk leaning forward."),
        new(ExerciseIds.StepUp, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Ankle, 0.8, 0.6, 1.2, 1.0,
            "Step onto a step with the instrumented leg, straighten, lower the other leg back down, step down."),
        new(ExerciseIds.Lunge, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Ankle, ChainAnchor.Ankle, 1.4, 0.6, 1.4, 1.2,
            "Split stance with the instrumented leg in front; lower until the front thigh is nearly level."),
        new(ExerciseIds.HeelRaise, Posture.Standing, PrimaryJoint.Ankle, ChainAnchor.Toe, ChainAnchor.Toe, 1.0, 1.0, 1.2, 0.8,
            "Standing, rise onto the toes and lower."),
        new(ExerciseIds.HamstringCurl, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Ankle, 1.2, 1.0, 1.4, 1.0,
            "Standing on the other leg, bend the knee to bring the heel towards the buttock."),
        new(ExerciseIds.Marching, Posture.Standing, PrimaryJoint.Hip, ChainAnchor.Hip, ChainAnchor.Ankle, 0.6, 0.2, 0.6, 1.4,
            "March on the spot: lift the knee high; the pause is the other leg's lift."),
        new(ExerciseIds.StraightLegRaise, Posture.Supine, PrimaryJoint.Hip, ChainAnchor.Hip, ChainAnchor.Hip, 1.5, 3.0, 1.8, 1.5,
            "Lying on the back, lift the straight leg to about 45 degrees, hold, lower."),
        new(ExerciseIds.HeelSlide, Posture.Supine, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Hip, 2.0, 0.8, 2.0, 1.2,
            "Lying on the back, slide the heel along the floor towards the buttock and back."),
        new(ExerciseIds.Walking, Posture.Standing, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Hip, 0, 0, 0, 0,
            "Level walking; heel strikes of both feet are labelled."),
        new(ExerciseIds.Rest, Posture.Seated, PrimaryJoint.Knee, ChainAnchor.Hip, ChainAnchor.Hip, 0, 0, 0, 0,
            "Resting in the current posture with small fidgets; posture changes between stations."),
    ];

    public static IReadOnlyList<ExerciseDefinition> All => Definitions;

    public static ExerciseDefinition Get(string id) =>
        Definitions.FirstOrDefault(d => d.Id == id) ?? throw new ArgumentException($"unknown exercise id '{id}'", nameof(id));

    internal static JointPose Neutral(Posture posture, ParticipantProfile person) => posture switch
    {
        Posture.Seated => new JointPose(0, person.SeatedThighDeg, person.SeatedKneeDeg, double.NaN),
        Posture.Supine => new JointPose(90, 90, 3, 10),
        _ => new JointPose(0, 2, 3, double.NaN),
    };

    internal static ChainAnchor NeutralAnchor(Posture posture) => posture == Posture.Standing ? ChainAnchor.Ankle : ChainAnchor.Hip;

    /// <summary>Start pose of a rep (the neutral pose of the posture, except the lunge's split stance).</summary>
    internal static JointPose Start(ExerciseDefinition exercise, ParticipantProfile person) => exercise.Id switch
    {
        ExerciseIds.Lunge => new JointPose(0, 8, 12, double.NaN),
        _ => Neutral(exercise.Posture, person),
    };

    /// <summary>Peak pose at full nominal range.</summary>
    internal static JointPose Peak(ExerciseDefinition exercise, ParticipantProfile person, BodyDimensions body) => exercise.Id switch
    {
        ExerciseIds.SitToStand => new JointPose(0, 2, 3, double.NaN),
        ExerciseIds.KneeExtension => new JointPose(0, person.SeatedThighDeg + person.KneeExtensionThighLiftDeg, 4, 15),
        ExerciseIds.MiniSquat => new JointPose(-15, 31, 48, double.NaN),
        ExerciseIds.Squat => new JointPose(-35, 66, 98, double.NaN),
        ExerciseIds.Lunge => new JointPose(-10, 72, 92, double.NaN),
        ExerciseIds.HeelRaise => new JointPose(0, 4, 3, 30),
        ExerciseIds.HamstringCurl => new JointPose(0, 10, 92, 5),
        ExerciseIds.Marching => new JointPose(0, 68, 78, 15),
        ExerciseIds.StraightLegRaise => new JointPose(90, 137, 3, 0),
        ExerciseIds.HeelSlide => HeelSlidePose(100, body),
        _ => Neutral(exercise.Posture, person),
    };

    /// <summary>
    /// A pose the limb passes through on the way up (and back down), for movements that are not a straight line
    /// between start and peak: rising from a chair, the knee first travels forward over the foot while the trunk leans.
    /// </summary>
    internal static JointPose? Via(ExerciseDefinition exercise, ParticipantProfile person) => exercise.Id switch
    {
        ExerciseIds.SitToStand => new JointPose(-40, person.SeatedThighDeg - 5, person.SeatedThighDeg + 12, double.NaN),
        _ => null,
    };

    /// <summary>Supine with the heel on the floor: hip flexion that keeps the ankle at the hip's height for a given knee flexion.</summary>
    internal static JointPose HeelSlidePose(double kneeDeg, BodyDimensions body)
    {
        // Solve hip flexion h so that the ankle stays level with the hip (heel sliding on the floor).
        double AnkleHeight(double hipDeg)
        {
            var thigh = (90 + hipDeg) * Math.PI / 180;
            var shank = (90 + hipDeg - kneeDeg) * Math.PI / 180;
            return (-body.ThighLengthM * Math.Cos(thigh)) - (body.ShankLengthM * Math.Cos(shank));
        }

        double lo = 0, hi = 120;
        for (var i = 0; i < 40; i++)
        {
            var mid = (lo + hi) / 2;
            if (AnkleHeight(mid) > 0)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        var hip = (lo + hi) / 2;
        return new JointPose(90, 90 + hip, kneeDeg, 10);
    }

    /// <summary>Gait keyframes: phase of the cycle, thigh angle, knee flexion, ankle plantarflexion, hip height offset.</summary>
    internal static ReadOnlySpan<double> GaitTable =>
    [
        0.00, 25, 3, 0, 0.000,
        0.12, 21, 17, 6, -0.012,
        0.30, 8, 8, -8, 0.012,
        0.50, -8, 6, -10, -0.004,
        0.62, -6, 38, 15, -0.012,
        0.75, 15, 62, 5, 0.012,
        0.87, 28, 35, 0, 0.004,
    ];
}
