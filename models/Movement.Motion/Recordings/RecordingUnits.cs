namespace Movement.Motion.Recordings;

/// <summary>Unit of the accelerometer columns of a recording.</summary>
public enum AccelUnit
{
    /// <summary>m/s² (column names <c>ax,ay,az</c>). The default.</summary>
    MetresPerSecondSquared,

    /// <summary>Standard gravity, 1 g = 9.80665 m/s² (column names <c>ax_g,ay_g,az_g</c>).</summary>
    StandardGravity,
}

/// <summary>Unit of the gyroscope columns of a recording.</summary>
public enum GyroUnit
{
    /// <summary>rad/s (column names <c>gx,gy,gz</c>). The default.</summary>
    RadiansPerSecond,

    /// <summary>Degrees per second (column names <c>gx_dps,gy_dps,gz_dps</c>).</summary>
    DegreesPerSecond,
}

/// <summary>Unit conversions shared by the recording reader and writer.</summary>
public static class RecordingUnits
{
    /// <summary>Standard gravity in m/s² (ISO 80000-3).</summary>
    public const double StandardGravityMps2 = Movement.Protocol.Gravity.StandardMps2;

    public static double AccelToMps2(double value, AccelUnit unit) =>
        unit == AccelUnit.StandardGravity ? value * StandardGravityMps2 : value;

    public static double AccelFromMps2(double value, AccelUnit unit) =>
        unit == AccelUnit.StandardGravity ? value / StandardGravityMps2 : value;

    public static double GyroToRadPerS(double value, GyroUnit unit) =>
        unit == GyroUnit.DegreesPerSecond ? value * Math.PI / 180.0 : value;

    public static double GyroFromRadPerS(double value, GyroUnit unit) =>
        unit == GyroUnit.DegreesPerSecond ? value * 180.0 / Math.PI : value;

    internal static string AccelSuffix(AccelUnit unit) => unit == AccelUnit.StandardGravity ? "_g" : "";

    internal static string GyroSuffix(GyroUnit unit) => unit == GyroUnit.DegreesPerSecond ? "_dps" : "";
}
