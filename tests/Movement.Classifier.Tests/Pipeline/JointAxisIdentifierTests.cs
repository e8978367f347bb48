using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>
/// The hinge fit on made-up gyro pairs: a thigh turning in 3-D and a shank turning with it plus a bend about the
/// hinge, each sensor strapped at an arbitrary rotation (so neither sees the hinge along its z).
/// </summary>
public sealed class JointAxisIdentifierTests
{
    [Theory]
    [InlineData(0.6, 0.2, 0.77, -0.3, 0.5, 0.81)]
    [InlineData(-0.7, 0.1, 0.7, 0.1, 0.9, 0.42)]
    public void Add_HingeMovement_FindsTheAxisInBothSensorFrames(double t1x, double t1y, double t1z, double t2x, double t2y, double t2z)
    {
        var thighAxis = new Vec3(t1x, t1y, t1z).Normalized();
        var shankAxis = new Vec3(t2x, t2y, t2z).Normalized();
        var identifier = new JointAxisIdentifier();

        for (var i = 0; i < 2000; i++)
        {
            var t = i * 0.01;
            // The thigh: hip flexion plus some abduction and rotation (3-D, so the hinge constraint has something to fit).
            var thigh = new Vec3(0.6 * Math.Sin(1.3 * t), 0.8 * Math.Sin(0.9 * t + 1), 1.2 * Math.Sin(1.7 * t + 2));
            var kneeRad = 0.8 * (1 - Math.Cos(2.1 * t));
            var kneeRateRadS = 0.8 * 2.1 * Math.Sin(2.1 * t);
            // In the shank's frame: the thigh's rate plus the bend, turned back by the bend, then by the strapping.
            var shank = Rotation(shankAxis, thighAxis, Rotate(thigh + (thighAxis * kneeRateRadS), thighAxis, -kneeRad));
            identifier.Add(i * 10_000, thigh, shank);
        }

        Assert.True(identifier.Fits > 0);
        // Within 5°: the shank's own-rotation term (the tie-breaker for movement in one plane) pulls the shank's axis
        // a few degrees towards its principal rotation when the thigh turns this much in 3-D.
        Assert.True(identifier.Thigh.Dot(thighAxis) > Math.Cos(5 * Math.PI / 180), $"thigh axis {identifier.Thigh}");
        Assert.True(identifier.Shank.Dot(shankAxis) > Math.Cos(5 * Math.PI / 180), $"shank axis {identifier.Shank}");
    }

    /// <summary>Rodrigues: v turned by angle about a unit axis.</summary>
    private static Vec3 Rotate(Vec3 v, Vec3 axis, double angle) =>
        (v * Math.Cos(angle)) + (axis.Cross(v) * Math.Sin(angle)) + (axis * (axis.Dot(v) * (1 - Math.Cos(angle))));

    /// <summary>The rotation that takes <paramref name="from"/> onto <paramref name="to"/> about their common normal, applied to v.</summary>
    private static Vec3 Rotation(Vec3 to, Vec3 from, Vec3 v)
    {
        var normal = from.Cross(to);
        return Rotate(v, normal.Normalized(), Math.Atan2(normal.Length, from.Dot(to)));
    }
}
