using System.Globalization;
using System.Text;
using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>
/// Reads a file of the CMU lower-limb sample data (Phan et al., IEEE JBHI 2024; one rep per file, 100 Hz): three
/// header rows (sensor or joint, quantity, axis) and an index column. <see cref="ReadImu"/> takes one sensor's
/// <c>Time</c> (s), <c>Accelerometer</c> (m/s²) and <c>Gyroscope</c> (rad/s); <see cref="ReadColumn"/> one joint
/// angle's axis (degrees), sample for sample with the IMU file. Bad rows are reported like <see cref="RecordingCsv"/> does.
/// </summary>
public static class CmuLowerLimbFile
{
    private const int HeaderRows = 3;

    public static RecordingReadResult ReadImu(string path, string sensor)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadImu(reader, sensor, path);
    }

    public static RecordingReadResult ReadImu(TextReader reader, string sensor, string source)
    {
        var header = ReadHeader(reader, source);
        int[] columns =
        [
            Find(header, source, sensor, "Time", "S"),
            Find(header, source, sensor, "Accelerometer", "X"), Find(header, source, sensor, "Accelerometer", "Y"), Find(header, source, sensor, "Accelerometer", "Z"),
            Find(header, source, sensor, "Gyroscope", "X"), Find(header, source, sensor, "Gyroscope", "Y"), Find(header, source, sensor, "Gyroscope", "Z"),
        ];
        var samples = new List<ImuSample>();
        var errors = new List<RecordingError>();
        var previousUs = long.MinValue;
        foreach (var (line, v) in Rows(reader, columns, errors))
        {
            var timestampUs = (long)Math.Round(v[0] * 1e6);
            if (timestampUs <= previousUs)
            {
                errors.Add(new RecordingError(line, $"time {v[0]} s is not after the previous row's"));
                continue;
            }

            previousUs = timestampUs;
            samples.Add(new ImuSample(timestampUs, (float)v[1], (float)v[2], (float)v[3], (float)v[4], (float)v[5], (float)v[6]));
        }

        return new RecordingReadResult(source, samples, true, AccelUnit.MetresPerSecondSquared, GyroUnit.RadiansPerSecond, errors);
    }

    /// <summary>One column's values (e.g. <c>RightKneeAngle</c>, <c>X</c>), one per data row; rows that fail are reported.</summary>
    public static (IReadOnlyList<double> Values, IReadOnlyList<RecordingError> Errors) ReadColumn(string path, string name, string axis)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadColumn(reader, name, axis, path);
    }

    public static (IReadOnlyList<double> Values, IReadOnlyList<RecordingError> Errors) ReadColumn(TextReader reader, string name, string axis, string source)
    {
        var header = ReadHeader(reader, source);
        var column = Find(header, source, name, null, axis);
        var errors = new List<RecordingError>();
        var values = Rows(reader, [column], errors).Select(r => r.Values[0]).ToList();
        return (values, errors);
    }

    private static string[][] ReadHeader(TextReader reader, string source)
    {
        var header = new string[HeaderRows][];
        for (var i = 0; i < HeaderRows; i++)
        {
            header[i] = (reader.ReadLine() ?? throw new FormatException($"{source}: expected {HeaderRows} header rows")).Split(',');
        }

        return header;
    }

    private static int Find(string[][] header, string source, string name, string? quantity, string axis)
    {
        for (var c = 0; c < header[0].Length; c++)
        {
            if (header[0][c] == name && (quantity is null || (c < header[1].Length && header[1][c] == quantity)) && c < header[2].Length && header[2][c] == axis)
            {
                return c;
            }
        }

        throw new FormatException($"{source}: no column {name} {quantity} {axis}");
    }

    private static IEnumerable<(int Line, double[] Values)> Rows(TextReader reader, int[] columns, List<RecordingError> errors)
    {
        var line = HeaderRows;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var fields = text.Split(',');
            var values = new double[columns.Length];
            string? error = null;
            for (var i = 0; i < columns.Length && error is null; i++)
            {
                var c = columns[i];
                if (c >= fields.Length)
                {
                    error = $"expected at least {c + 1} fields, found {fields.Length}";
                }
                else if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                {
                    error = $"field {c + 1}: '{fields[c]}' is not a finite number";
                }
            }

            if (error is not null)
            {
                errors.Add(new RecordingError(line, error));
                continue;
            }

            yield return (line, values);
        }
    }
}
