namespace Movement.Protocol;

/// <summary>
/// A double-precision 3-vector (m, m/s² or rad/s): the motion model's world and sensor frames and the classifier's
/// pipeline, which integrates over long streams where float drifts.
/// </summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static readonly Vec3 Zero = new(0, 0, 0);

    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    /// <summary>This vector scaled to length 1 (the zero vector stays zero).</summary>
    public Vec3 Normalized()
    {
        var length = Length;
        return length > 0 ? new Vec3(X / length, Y / length, Z / length) : this;
    }

    public double Dot(Vec3 other) => (X * other.X) + (Y * other.Y) + (Z * other.Z);

    public Vec3 Cross(Vec3 other) => new((Y * other.Z) - (Z * other.Y), (Z * other.X) - (X * other.Z), (X * other.Y) - (Y * other.X));

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static Vec3 operator *(double s, Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);

    public static Vec3 operator /(Vec3 a, double s) => new(a.X / s, a.Y / s, a.Z / s);
}
