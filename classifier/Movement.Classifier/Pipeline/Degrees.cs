namespace Movement.Classifier.Pipeline;

/// <summary>Arithmetic on angles in degrees.</summary>
internal static class Degrees
{
    /// <summary>
    /// The angle brought into [−180°, 180°] (the IEEE remainder by 360°). Rounding the quotient instead of calling
    /// <see cref="Math.IEEERemainder"/>, whose <c>fmod</c> is a library call: this runs for every sample.
    /// </summary>
    public static double Wrap(double deg) => deg - (360 * Math.Round(deg / 360));
}
