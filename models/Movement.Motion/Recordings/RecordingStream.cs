using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>
/// A recording read row by row, in bounded memory whatever its length: <see cref="Samples"/> yields the good rows as
/// it reads them (once). What the header says, and the rejected rows (all counted, the first <see cref="KeptErrors"/>
/// kept), are known as far as the reading has got.
/// </summary>
public sealed class RecordingStream
{
    private readonly List<RecordingError> _errors = [];

    internal RecordingStream(string source, int keptErrors, Func<RecordingStream, IEnumerable<ImuSample>> read)
    {
        (Source, KeptErrors) = (source, keptErrors);
        Samples = Count(read(this));
    }

    public string Source { get; }

    /// <summary>How many rejected rows <see cref="Errors"/> keeps; the rest are only counted.</summary>
    public int KeptErrors { get; }

    public IEnumerable<ImuSample> Samples { get; }

    public bool HasGyro { get; internal set; }

    public AccelUnit AccelUnit { get; internal set; } = AccelUnit.MetresPerSecondSquared;

    public GyroUnit GyroUnit { get; internal set; } = GyroUnit.RadiansPerSecond;

    public long SampleCount { get; private set; }

    public long ErrorCount { get; private set; }

    /// <summary>The first <see cref="KeptErrors"/> rejected rows.</summary>
    public IReadOnlyList<RecordingError> Errors => _errors;

    /// <summary>Everything read, in memory: for recordings known to be small.</summary>
    public RecordingReadResult ToResult()
    {
        var samples = Samples.ToList();
        return new RecordingReadResult(Source, samples, HasGyro, AccelUnit, GyroUnit, _errors);
    }

    internal void Reject(int line, string reason)
    {
        ErrorCount++;
        if (_errors.Count < KeptErrors)
        {
            _errors.Add(new RecordingError(line, reason));
        }
    }

    private IEnumerable<ImuSample> Count(IEnumerable<ImuSample> samples)
    {
        foreach (var sample in samples)
        {
            SampleCount++;
            yield return sample;
        }
    }
}
