using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>
/// How one simulated person moves. Random profiles span older adults with knee osteoarthritis
/// (slower, smaller range, more variable than healthy young adults).
/// </summary>
public sealed record ParticipantProfile
{
    public double HeightM { get; init; } = 1.70;

    /// <summary>The leg that exercises and wears the sensors.</summary>
    public Side Side { get; init; } = Side.Right;

    /// <summary>Multiplies every movement duration: 1 nominal, 1.3 slower.</summary>
    public double SpeedFactor { get; init; } = 1.0;

    /// <summary>Fraction of the nominal range of motion this person reaches on a correct rep.</summary>
    public double RomFactor { get; init; } = 1.0;

    /// <summary>Multiplies the pause between reps.</summary>
    public double PauseFactor { get; init; } = 1.0;

    /// <summary>Chance per rep of a short (0.15–0.3 s) hesitation on the way up; not a fault.</summary>
    public double HesitationProbability { get; init; }

    /// <summary>Loss of range (and gain in duration × 1.5) by the last rep of a set, fraction.</summary>
    public double Fatigue { get; init; }

    /// <summary>Amplitude of physiological tremor on the thigh angle, degrees.</summary>
    public double TremorDeg { get; init; }

    public double TremorHz { get; init; } = 6;

    /// <summary>Seated posture: thigh angle from vertical (90 = horizontal) and knee flexion.</summary>
    public double SeatedThighDeg { get; init; } = 85;

    public double SeatedKneeDeg { get; init; } = 85;

    /// <summary>
    /// Seated knee extension: how far the thigh lifts off the seat at full extension (the rectus femoris also
    /// flexes the hip), degrees. 0 for the default person, whose knee extension was compared with a real one.
    /// </summary>
    public double KneeExtensionThighLiftDeg { get; init; }

    public double WalkingSpeedMps { get; init; } = 1.1;

    /// <summary>Time of one gait cycle (heel strike to heel strike of the same foot).</summary>
    public double StrideTimeS { get; init; } = 1.1;

    public BodyDimensions Body => BodyDimensions.FromHeight(HeightM);

    /// <summary>A random person; same seed, same person.</summary>
    public static ParticipantProfile Random(int seed) => Random(new Random(seed));

    public static ParticipantProfile Random(Random random)
    {
        double Uniform(double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
        return new ParticipantProfile
        {
            HeightM = Uniform(1.52, 1.90),
            Side = random.Next(2) == 0 ? Side.Right : Side.Left,
            SpeedFactor = Uniform(0.8, 1.35),
            RomFactor = Uniform(0.78, 1.02),
            PauseFactor = Uniform(0.5, 1.6),
            HesitationProbability = Uniform(0, 0.2),
            Fatigue = Uniform(0, 0.15),
            TremorDeg = Uniform(0.005, 0.04),
            TremorHz = Uniform(4.5, 7.5),
            SeatedThighDeg = Uniform(78, 92),
            SeatedKneeDeg = Uniform(72, 95),
            WalkingSpeedMps = Uniform(0.75, 1.35),
            StrideTimeS = Uniform(1.0, 1.3),
            // Drawn last, so every earlier draw (and the people seeds already gave) stays the same.
            KneeExtensionThighLiftDeg = Uniform(0, 12),
        };
    }
}
