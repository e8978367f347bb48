using Movement.Protocol;

namespace Movement.Motion.Kinematics;

/// <summary>A rotation matrix; columns are the rotated frame's axes expressed in the parent frame.</summary>
public readonly record struct Mat3(double M00, double M01, double M02, double M10, double M11, double M12, double M20, double M21, double M22)
{
    public static readonly Mat3 Identity = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Rotation by <paramref name="rad"/> about x (right-handed).</summary>
    public static Mat3 RotX(double rad)
    {
        var (s, c) = Math.SinCos(rad);
        return new(1, 0, 0, 0, c, -s, 0, s, c);
    }

    public static Mat3 RotY(double rad)
    {
        var (s, c) = Math.SinCos(rad);
        return new(c, 0, s, 0, 1, 0, -s, 0, c);
    }

    public static Mat3 RotZ(double rad)
    {
        var (s, c) = Math.SinCos(rad);
        return new(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    /// <summary>Rotation by <paramref name="rad"/> about the unit <paramref name="axis"/> (Rodrigues).</summary>
    public static Mat3 AxisAngle(Vec3 axis, double rad)
    {
        var (s, c) = Math.SinCos(rad);
        var t = 1 - c;
        var (x, y, z) = (axis.X, axis.Y, axis.Z);
        return new(
            (t * x * x) + c, (t * x * y) - (s * z), (t * x * z) + (s * y),
            (t * x * y) + (s * z), (t * y * y) + c, (t * y * z) - (s * x),
            (t * x * z) - (s * y), (t * y * z) + (s * x), (t * z * z) + c);
    }

    /// <summary>A frame from its three axes given in the parent frame.</summary>
    public static Mat3 FromColumns(Vec3 x, Vec3 y, Vec3 z) => new(x.X, y.X, z.X, x.Y, y.Y, z.Y, x.Z, y.Z, z.Z);

    public Vec3 ColumnX => new(M00, M10, M20);

    public Vec3 ColumnY => new(M01, M11, M21);

    public Vec3 ColumnZ => new(M02, M12, M22);

    public Mat3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public static Vec3 operator *(Mat3 m, Vec3 v) => new(
        (m.M00 * v.X) + (m.M01 * v.Y) + (m.M02 * v.Z),
        (m.M10 * v.X) + (m.M11 * v.Y) + (m.M12 * v.Z),
        (m.M20 * v.X) + (m.M21 * v.Y) + (m.M22 * v.Z));

    public static Mat3 operator *(Mat3 a, Mat3 b) => FromColumns(a * b.ColumnX, a * b.ColumnY, a * b.ColumnZ);
}
