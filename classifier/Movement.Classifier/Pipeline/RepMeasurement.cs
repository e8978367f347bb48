namespace Movement.Classifier.Pipeline;

/// <summary>A completed repetition as measured on one sensor stream.</summary>
/// <param name="StartUs">Sample time the limb left its resting position.</param>
/// <param name="EndUs">Sample time it came back (the rep is reported on this sample or within a few after).</param>
/// <param name="PeakUs">Time of the furthest excursion; splits the rep into its outward and return phases.</param>
/// <param name="RomDeg">Range of motion: furthest rotation about the movement axis from the start position.</param>
/// <param name="PeakAngularVelocityDps">Fastest rotation about the movement axis.</param>
/// <param name="Smoothness">Mean over peak angular speed (0..1]; jerky movement has many speed peaks and a low ratio.</param>
/// <param name="SwayDeg">Range of tilt out of the movement plane (medio-lateral wobble for sagittal exercises).</param>
public readonly record struct RepMeasurement(
    long StartUs, long EndUs, long PeakUs, double RomDeg, double PeakAngularVelocityDps, double Smoothness, double SwayDeg)
{
    public double DurationS => (EndUs - StartUs) / 1e6;

    public double OutwardS => (PeakUs - StartUs) / 1e6;

    public double ReturnS => (EndUs - PeakUs) / 1e6;
}
