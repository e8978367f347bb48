using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// The knee's hinge axis in the thigh's and the shank's sensor frames, found from the movement itself (Seel, Raisch
/// &amp; Schauer, "IMU-based joint angle measurement for gait analysis", Sensors 2014): the shank turns as the thigh
/// does plus a rotation about the hinge, so the parts of the two angular velocities across the hinge axis have the
/// same length, |ω₁ × j₁| = |ω₂ × j₂|. The axes are the pair (j₁, j₂) that best meets this over recent movement
/// (with each segment's own principal rotation as a tie-breaker, <see cref="PrincipalWeight"/>),
/// by damped Gauss–Newton on a ring of gyro pairs, refitted from the previous axes every <see cref="RefitEveryPairs"/>
/// new pairs while the fits still move them, less often (up to every <see cref="MaxRefitEveryPairs"/>) once they have
/// settled, and every <see cref="RefitEveryPairs"/> again as soon as a fit moves them (so the axes follow a strap
/// that slips). Works however each sensor is turned on its segment; each axis' sign is its own sensor's +z side (both sensors on the lateral side of the leg, z out of the skin:
/// the sign is the one thing the movement cannot tell, as a mirrored leg moves the same way).
/// Allocation-free after construction.
/// </summary>
internal sealed class JointAxisIdentifier
{
    /// <summary>Gyro pairs kept: at one pair per <see cref="MinPairSpacingUs"/> of movement, about 10 s of it.</summary>
    public const int Capacity = 512;

    /// <summary>Pairs added between fits while the axes are still moving (about 1.3 s of movement); the first fit comes after as many.</summary>
    public const int RefitEveryPairs = 64;

    /// <summary>
    /// The longest interval between fits (about 5 s of movement): it doubles after each fit that moved neither axis by
    /// more than <see cref="SettledDeg"/>, so settled axes cost a quarter of the fits, and a strap that slips is
    /// followed within about 5 s of movement.
    /// </summary>
    public const int MaxRefitEveryPairs = 256;

    /// <summary>A fit that moves both axes less than this leaves them where they were, to well within the knee angle's error.</summary>
    private const double SettledDeg = 1;

    /// <summary>A Gauss–Newton step shorter than this (rad, both axes together) ends the fit: it has converged.</summary>
    private const double ConvergedStepRad = 1e-4;

    private const long MinPairSpacingUs = 20_000;

    /// <summary>Pairs slower than this (sum of both rates) say little about the axes: noise and bias dominate.</summary>
    private const double MovingRadS = 0.5;

    private const int IterationsPerFit = 4;

    /// <summary>
    /// Weight of each segment's own rotation off its axis, |ω × j|, beside the hinge constraint. The constraint alone
    /// is ill-posed when the thigh and shank turn in step in one plane (a squat: any pair of axes tilted so that
    /// |ω₁| sin e₁ = |ω₂| sin e₂ fits), and these terms pick the axes each segment mostly turns about. 1 was chosen
    /// on the CMU decline squat, single-leg squat and high step-down (docs/accuracy.md); 0.3 and 3 were within 0.5°.
    /// </summary>
    private const double PrincipalWeight = 1;

    /// <summary>A fit that moved an axis more than this in one go is a jump to another minimum (sway, a fall), not a refinement.</summary>
    private static readonly double MaxStepCos = Math.Cos(60 * Math.PI / 180);

    private static readonly double SettledCos = Math.Cos(SettledDeg * Math.PI / 180);

    private static readonly Vec3 Lateral = new(0, 0, 1);

    private readonly float[] _pairs = new float[Capacity * 6];
    private int _count;
    private int _next;
    private int _sinceFit;
    private int _refitEveryPairs = RefitEveryPairs;
    private long _lastAddedUs = long.MinValue / 2; // no overflow in the first spacing test

    /// <summary>The hinge axis in the thigh sensor's frame (its +z side); as <see cref="StartFrom"/> set it until a fit.</summary>
    public Vec3 Thigh { get; private set; } = Lateral;

    /// <summary>The hinge axis in the shank sensor's frame (its +z side).</summary>
    public Vec3 Shank { get; private set; } = Lateral;

    /// <summary>Fits made (a fit is kept only if it lowers the constraint's residual).</summary>
    public int Fits { get; private set; }

    /// <summary>RMS of |ω₁ × j₁| − |ω₂ × j₂| over the pairs at the last fit, rad/s: how well the leg is a hinge.</summary>
    public double ResidualRadS { get; private set; } = double.NaN;

    /// <summary>Until the first fit, the axes to start it from (each segment's own principal axis, say).</summary>
    public void StartFrom(Vec3 thigh, Vec3 shank)
    {
        if (Fits == 0)
        {
            (Thigh, Shank) = (thigh, shank);
        }
    }

    /// <summary>Offers one pair of angular velocities (rad/s, each in its sensor's frame) at one instant.</summary>
    public void Add(long timeUs, Vec3 thigh, Vec3 shank)
    {
        if (timeUs - _lastAddedUs < MinPairSpacingUs || thigh.Length + shank.Length < MovingRadS)
        {
            return;
        }

        _lastAddedUs = timeUs;
        var i = _next * 6;
        _pairs[i] = (float)thigh.X;
        _pairs[i + 1] = (float)thigh.Y;
        _pairs[i + 2] = (float)thigh.Z;
        _pairs[i + 3] = (float)shank.X;
        _pairs[i + 4] = (float)shank.Y;
        _pairs[i + 5] = (float)shank.Z;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        if (++_sinceFit >= _refitEveryPairs)
        {
            _sinceFit = 0;
            _refitEveryPairs = Fit() ? Math.Min(2 * _refitEveryPairs, MaxRefitEveryPairs) : RefitEveryPairs;
        }
    }

    /// <summary>
    /// Refits the axes; true if they have settled: the fit left them within <see cref="SettledDeg"/>, or found nothing
    /// better (on simulated squats nearly every refit after the first is of this kind: the step from the settled
    /// axes raises the residual; so are some first fits, from principal axes that are already the best nearby).
    /// </summary>
    private bool Fit()
    {
        var j1 = Thigh;
        var j2 = Shank;
        var before = double.NaN;
        // The first fit starts from the nominal mounting and may have far to go.
        var iterations = Fits == 0 ? 4 * IterationsPerFit : IterationsPerFit;
        for (var k = 0; k < iterations; k++)
        {
            (j1, j2, var stepRad, var residual) = Step(j1, j2);
            before = k == 0 ? residual : before;
            if (stepRad < ConvergedStepRad)
            {
                break;
            }
        }

        var after = Residual(j1, j2);
        if (!(after < before) || (Fits > 0 && (j1.Dot(Thigh) < MaxStepCos || j2.Dot(Shank) < MaxStepCos)))
        {
            // Kept as they were: nothing better nearby (or only a jump away). Before the first fit that means the
            // segments' own principal axes meet the constraint as well as anything this fit reached from them, so
            // this too waits longer for the next try, rather than repeating the long first fit every 64 pairs.
            return true;
        }

        var settled = Fits > 0 && j1.Dot(Thigh) > SettledCos && j2.Dot(Shank) > SettledCos;
        (Thigh, Shank) = (j1.Dot(Lateral) < 0 ? j1 * -1 : j1, j2.Dot(Lateral) < 0 ? j2 * -1 : j2);
        ResidualRadS = after;
        Fits++;
        return settled;
    }

    /// <summary>
    /// One damped Gauss–Newton step in the tangent planes of the two unit axes (4 unknowns); also the step's length
    /// (rad) and the residual (<see cref="ResidualRadS"/>) at the axes it started from.
    /// </summary>
    private (Vec3 Thigh, Vec3 Shank, double StepRad, double ResidualRadS) Step(Vec3 j1, Vec3 j2)
    {
        var (a1, b1) = Tangents(j1);
        var (a2, b2) = Tangents(j2);
        // The normal equations JᵀJ (symmetric: its upper triangle) and Jᵀe, summed over two rows per pair: the
        // hinge constraint (c1 − c2; ∂/∂a1, ∂/∂b1, −∂/∂a2, −∂/∂b2) and the shank's own rotation (w c2; 0, 0, w ∂/∂a2, w ∂/∂b2).
        double n00 = 0, n01 = 0, n02 = 0, n03 = 0, n11 = 0, n12 = 0, n13 = 0, n22 = 0, n23 = 0, n33 = 0;
        double e0 = 0, e1 = 0, e2 = 0, e3 = 0, sum = 0;
        const double w = PrincipalWeight;
        for (var p = 0; p < _count; p++)
        {
            var (w1, w2) = Pair(p);
            var c1 = w1.Cross(j1).Length;
            var c2 = w2.Cross(j2).Length;
            var e = c1 - c2;
            sum += (e * e) + (w * w * c2 * c2);
            if (c1 < 1e-6 || c2 < 1e-6)
            {
                continue; // the derivative of |ω × j| is undefined where ω lies along j
            }

            // d|ω × j|/dj = −(ω·j) ω / |ω × j|, projected on the tangents.
            var d1 = -w1.Dot(j1) / c1;
            var d2 = -w2.Dot(j2) / c2;
            var r0 = d1 * w1.Dot(a1);
            var r1 = d1 * w1.Dot(b1);
            var r2 = -d2 * w2.Dot(a2);
            var r3 = -d2 * w2.Dot(b2);
            // The second row is (0, 0, −w r2, −w r3) with residual w c2.
            var wc = w * w * c2;
            n00 += r0 * r0;
            n01 += r0 * r1;
            n02 += r0 * r2;
            n03 += r0 * r3;
            n11 += r1 * r1;
            n12 += r1 * r2;
            n13 += r1 * r3;
            n22 += (1 + (w * w)) * r2 * r2;
            n23 += (1 + (w * w)) * r2 * r3;
            n33 += (1 + (w * w)) * r3 * r3;
            e0 += r0 * e;
            e1 += r1 * e;
            e2 += (r2 * e) - (wc * r2);
            e3 += (r3 * e) - (wc * r3);
        }

        var residualRadS = Math.Sqrt(sum / Math.Max(1, _count));
        Span<double> normal = stackalloc double[16]
        {
            n00, n01, n02, n03,
            n01, n11, n12, n13,
            n02, n12, n22, n23,
            n03, n13, n23, n33,
        };
        Span<double> gradient = stackalloc double[4] { -e0, -e1, -e2, -e3 };
        var damping = 1e-3 * (n00 + n11 + n22 + n33) + 1e-9;
        for (var r = 0; r < 4; r++)
        {
            normal[(r * 4) + r] += damping;
        }

        if (!Solve(normal, gradient))
        {
            return (j1, j2, 0, residualRadS);
        }

        // Steps of more than ~0.3 rad per iteration are cut back: the linearisation holds only nearby.
        var length = Math.Sqrt((gradient[0] * gradient[0]) + (gradient[1] * gradient[1]) + (gradient[2] * gradient[2]) + (gradient[3] * gradient[3]));
        var scale = Math.Min(1, 0.3 / length);
        return (
            (j1 + (a1 * (gradient[0] * scale)) + (b1 * (gradient[1] * scale))).Normalized(),
            (j2 + (a2 * (gradient[2] * scale)) + (b2 * (gradient[3] * scale))).Normalized(),
            length * scale,
            residualRadS);
    }

    private double Residual(Vec3 j1, Vec3 j2)
    {
        var sum = 0.0;
        for (var p = 0; p < _count; p++)
        {
            var (w1, w2) = Pair(p);
            var c1 = w1.Cross(j1).Length;
            var c2 = w2.Cross(j2).Length;
            sum += ((c1 - c2) * (c1 - c2)) + (PrincipalWeight * PrincipalWeight * c2 * c2);
        }

        return Math.Sqrt(sum / Math.Max(1, _count));
    }

    private (Vec3 Thigh, Vec3 Shank) Pair(int p)
    {
        var i = p * 6;
        return (new Vec3(_pairs[i], _pairs[i + 1], _pairs[i + 2]), new Vec3(_pairs[i + 3], _pairs[i + 4], _pairs[i + 5]));
    }

    private static (Vec3, Vec3) Tangents(Vec3 j)
    {
        var helper = Math.Abs(j.X) < 0.9 ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0);
        var a = j.Cross(helper).Normalized();
        return (a, j.Cross(a));
    }

    /// <summary>Solves the 4×4 system in place (Gaussian elimination with partial pivoting); the answer replaces <paramref name="b"/>.</summary>
    private static bool Solve(Span<double> m, Span<double> b)
    {
        const int n = 4;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[(r * n) + col]) > Math.Abs(m[(pivot * n) + col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(m[(pivot * n) + col]) < 1e-12)
            {
                return false;
            }

            if (pivot != col)
            {
                for (var c = 0; c < n; c++)
                {
                    (m[(col * n) + c], m[(pivot * n) + c]) = (m[(pivot * n) + c], m[(col * n) + c]);
                }

                (b[col], b[pivot]) = (b[pivot], b[col]);
            }

            for (var r = col + 1; r < n; r++)
            {
                var f = m[(r * n) + col] / m[(col * n) + col];
                for (var c = col; c < n; c++)
                {
                    m[(r * n) + c] -= f * m[(col * n) + c];
                }

                b[r] -= f * b[col];
            }
        }

        for (var r = n - 1; r >= 0; r--)
        {
            var sum = b[r];
            for (var c = r + 1; c < n; c++)
            {
                sum -= m[(r * n) + c] * b[c];
            }

            b[r] = sum / m[(r * n) + r];
        }

        return true;
    }
}
