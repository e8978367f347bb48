namespace Movement.Classifier.Pipeline;

/// <summary>A completed repetition as measured on one sensor stream.</summary>
/// <param name="StartUs">Sample time the limb left its resting position.</param>
/// <param name="EndUs">Sample time it came back (the rep is reported on this sample or within a few after).</param>
/// <param name="PeakUs">Time of the furthest excursion; splits the rep into its outward and return phases.</param>
/// <param name="RomDeg">Range of motion: furthest rotation about the movement axis from the start position.</param>
/// <param name="PeakAngularVelocityDps">Fastest rotation about the movement axis.</param>
/// <param name="Smoothness">Mean over peak angular speed (0..1]; jerky movement has many speed peaks and a low ratio.</param>
/// <param name="SwayDeg">Range of tilt out of the movement plane (medio-lateral wobble for sagittal exercises).</param>
/// <param name="NearPeakFromUs">First time the limb came within 10 % of the peak (0: use <paramref name="PeakUs"/>).</param>
/// <param name="NearPeakToUs">Last time it was within 10 % of the peak, before returning (0: use <paramref name="PeakUs"/>).</param>
public readonly record struct RepMeasurement(
    long StartUs, long EndUs, long PeakUs, double RomDeg, double PeakAngularVelocityDps, double Smoothness, double SwayDeg,
    long NearPeakFromUs = 0, long NearPeakToUs = 0)
{
    public double DurationS => (EndUs - StartUs) / 1e6;

    /// <summary>
    /// Time spent moving out: start to arriving near the peak. Not to the peak itself, which can fall anywhere in a
    /// hold (the limb drifts by a degree), and would then count part of the hold as moving.
    /// </summary>
    public double OutwardS => ((NearPeakFromUs == 0 ? PeakUs : NearPeakFromUs) - StartUs) / 1e6;

    /// <summary>Time spent moving back: leaving the peak's neighbourhood to the end.</summary>
    public double ReturnS => (EndUs - (NearPeakToUs == 0 ? PeakUs : NearPeakToUs)) / 1e6;
}
