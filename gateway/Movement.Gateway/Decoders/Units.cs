namespace Movement.Gateway.Decoders;

/// <summary>Conversions from vendor units to the SI units of <see cref="Movement.Protocol.ImuSample"/>.</summary>
public static class Units
{
    /// <summary>Standard gravity, m/s² per g.</summary>
    public const float StandardGravity = (float)Movement.Protocol.Gravity.StandardMps2;

    public const float MetresPerSecondSquaredPerMilliG = StandardGravity / 1000f;

    public const float RadiansPerDegree = MathF.PI / 180f;

    /// <summary>Offset between the Polar epoch (2000-01-01T00:00:00Z) and the Unix epoch, in nanoseconds.</summary>
    public const long PolarEpochUnixNs = 946_684_800_000_000_000L;
}
