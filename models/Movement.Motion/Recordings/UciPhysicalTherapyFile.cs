using System.Globalization;
using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>
/// Reads a file of the UCI "Physical Therapy Exercises" data set (Yurtman &amp; Barshan 2014, CC BY 4.0):
/// <c>time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z;mag_x;mag_y;mag_z</c>, 25 Hz, m/s² and rad/s.
/// The magnetometer is dropped, and may be absent (the repository's trimmed copies keep the first 7 columns). Bad rows are reported like <see cref="RecordingCsv"/> does.
/// </summary>
public static class UciPhysicalTherapyFile
{
    public const double SampleRateHz = 25;

    public static RecordingReadResult Read(string path, long startUnixUs = 0) => Stream(path, startUnixUs).ToResult();

    public static RecordingReadResult Read(TextReader reader, long startUnixUs = 0, string source = "uci") =>
        new RecordingStream(source, int.MaxValue, stream => ReadRows(() => reader, dispose: false, startUnixUs, stream)).ToResult();

    /// <summary>
    /// <paramref name="path"/> read as it is enumerated (the file is opened then, and closed at the end), keeping the
    /// first <paramref name="keptErrors"/> rejected rows.
    /// </summary>
    public static RecordingStream Stream(string path, long startUnixUs = 0, int keptErrors = int.MaxValue) =>
        new(path, keptErrors, stream => ReadRows(() => RecordingFiles.OpenText(path), dispose: true, startUnixUs, stream));

    private static IEnumerable<ImuSample> ReadRows(Func<TextReader> open, bool dispose, long startUnixUs, RecordingStream stream)
    {
        (stream.HasGyro, stream.AccelUnit, stream.GyroUnit) = (true, AccelUnit.MetresPerSecondSquared, GyroUnit.RadiansPerSecond);
        var lineNumber = 0;
        var values = new double[7];
        long previousIndex = long.MinValue;
        var reader = open();
        try
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var text = line.Trim();
                if (text.Length == 0 || (lineNumber == 1 && text.StartsWith("time index", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                var fields = text.Split(';');
                if (fields.Length is not (10 or 7))
                {
                    stream.Reject(lineNumber, $"expected 10 (or 7, without the magnetometer) ';'-separated fields, found {fields.Length}");
                    continue;
                }

                string? error = null;
                for (var i = 0; i < 7 && error is null; i++)
                {
                    if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                    {
                        error = $"field {i + 1}: '{fields[i]}' is not a finite number";
                    }
                }

                if (error is null && (values[0] < 1 || values[0] != Math.Floor(values[0]) || (long)values[0] <= previousIndex))
                {
                    error = $"time index {fields[0]} is not a positive integer after the previous one";
                }

                if (error is not null)
                {
                    stream.Reject(lineNumber, error);
                    continue;
                }

                previousIndex = (long)values[0];
                var timestampUs = startUnixUs + (long)Math.Round((values[0] - 1) * 1e6 / SampleRateHz);
                yield return new ImuSample(timestampUs, (float)values[1], (float)values[2], (float)values[3], (float)values[4], (float)values[5], (float)values[6]);
            }
        }
        finally
        {
            if (dispose)
            {
                reader.Dispose();
            }
        }
    }
}
