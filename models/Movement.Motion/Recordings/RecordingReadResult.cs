using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>
/// What <see cref="RecordingCsv.Read(TextReader, RecordingReadOptions?)"/> got from a file: the good samples and one
/// error per rejected line. A malformed row does not stop the read; a malformed header does (no samples).
/// </summary>
public sealed record RecordingReadResult(
    string Source,
    IReadOnlyList<ImuSample> Samples,
    bool HasGyro,
    AccelUnit AccelUnit,
    GyroUnit GyroUnit,
    IReadOnlyList<RecordingError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>Returns this result, or throws <see cref="RecordingFormatException"/> listing every rejected line.</summary>
    public RecordingReadResult EnsureValid() =>
        IsValid ? this : throw new RecordingFormatException(Source, Errors);
}
