namespace Movement.Protocol;

/// <summary>The one definition of standard gravity for every component (decoders, filters, the motion model, benchmarks).</summary>
public static class Gravity
{
    /// <summary>Standard gravity, 1 g = 9.80665 m/s² (CGPM 1901).</summary>
    public const double StandardMps2 = 9.80665;
}
