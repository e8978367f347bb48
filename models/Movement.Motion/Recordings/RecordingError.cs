namespace Movement.Motion.Recordings;

/// <summary>One rejected line of a recording file.</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Reason">What was wrong, e.g. <c>column ay: 'abc' is not a number</c>.</param>
public sealed record RecordingError(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>Thrown by <see cref="RecordingReadResult.EnsureValid"/> when a recording had rejected lines.</summary>
public sealed class RecordingFormatException : FormatException
{
    public RecordingFormatException(string source, IReadOnlyList<RecordingError> errors)
        : base(BuildMessage(source, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<RecordingError> Errors { get; }

    private static string BuildMessage(string source, IReadOnlyList<RecordingError> errors)
    {
        const int shown = 10;
        var head = string.Join("; ", errors.Take(shown));
        var more = errors.Count > shown ? $"; and {errors.Count - shown} more" : "";
        return $"{source}: {errors.Count} malformed line(s): {head}{more}";
    }
}
