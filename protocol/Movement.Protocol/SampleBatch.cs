namespace Movement.Protocol;

/// <summary>A run of consecutive samples from one sensor, as it travels on the sample topic.</summary>
/// <param name="Sequence">Per-sensor batch counter; lets receivers detect gaps and drop duplicates.</param>
/// <param name="SampleRateHz">Nominal rate; actual timestamps are per sample and may jitter.</param>
/// <param name="HasGyro">Whether the gyroscope fields of the samples are meaningful.</param>
public sealed record SampleBatch(uint Sequence, float SampleRateHz, bool HasGyro, ImuSample[] Samples)
{
    public long FirstTimestampUs => Samples.Length == 0 ? 0 : Samples[0].TimestampUs;

    public bool ContentEquals(SampleBatch other) =>
        Sequence == other.Sequence && SampleRateHz.Equals(other.SampleRateHz) && HasGyro == other.HasGyro &&
        Samples.AsSpan().SequenceEqual(other.Samples);
}
