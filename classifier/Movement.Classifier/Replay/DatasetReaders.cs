using System.Globalization;
using Movement.Protocol;

namespace Movement.Classifier.Replay;

/// <summary>A line of a recording that could not be read, with why.</summary>
public sealed class DatasetFormatException(string path, int line, string reason)
    : FormatException($"{path}:{line}: {reason}")
{
    public string Path { get; } = path;
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads the Oxford Step Counter DataSet's files (University of Oxford, CC BY 4.0): <c>accelerometer.csv</c>
/// (<c>t_ns,accuracy,x,y,z</c>, m/s², irregular rate) and <c>stepcounter.csv</c> (<c>t_ns,foot1,foot2</c>).
/// </summary>
public static class OxfordRecording
{
    public static ImuSample[] ReadAccelerometer(string path)
    {
        var samples = new List<ImuSample>(65536);
        ReadRows(path, "t_ns,accuracy,x,y,z", row => samples.Add(new ImuSample((long)(row[0] / 1000), (float)row[2], (float)row[3], (float)row[4])));
        return [.. samples];
    }

    /// <summary>Ground truth: the number of 0→1 transitions in either foot column.</summary>
    public static int ReadTrueSteps(string path)
    {
        var steps = 0;
        double? foot1 = null, foot2 = null;
        ReadRows(path, "t_ns,foot1,foot2", row =>
        {
            steps += (foot1 == 0 && row[1] == 1 ? 1 : 0) + (foot2 == 0 && row[2] == 1 ? 1 : 0);
            (foot1, foot2) = (row[1], row[2]);
        });
        return steps;
    }

    private delegate void RowHandler(ReadOnlySpan<double> row);

    /// <summary>
    /// Hands each data row of <paramref name="path"/> to <paramref name="onRow"/> as numbers, one per column of
    /// <paramref name="columns"/> (comma-separated names; extra columns are ignored). Blank lines and the header
    /// are skipped; a short row or a column that is not a number throws with its line.
    /// </summary>
    private static void ReadRows(string path, string columns, RowHandler onRow)
    {
        var expected = columns.Count(c => c == ',') + 1;
        Span<double> values = stackalloc double[expected];
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!TryParseRow(line, values, out var found, out var reason))
            {
                throw new DatasetFormatException(path, lineNumber, reason!);
            }

            if (found == 0)
            {
                continue;
            }

            if (found < expected)
            {
                throw new DatasetFormatException(path, lineNumber, $"expected {columns}, found {found} columns");
            }

            onRow(values);
        }
    }

    private static bool TryParseRow(string line, Span<double> values, out int columns, out string? reason)
    {
        columns = 0;
        reason = null;
        var span = line.AsSpan().Trim();
        if (span.Length == 0 || char.IsLetter(span[0]))
        {
            return true; // blank line or header
        }

        foreach (var range in span.Split(','))
        {
            if (columns >= values.Length)
            {
                break;
            }

            if (!double.TryParse(span[range], NumberStyles.Float, CultureInfo.InvariantCulture, out values[columns]))
            {
                reason = $"column {columns + 1} is not a number: '{span[range]}'";
                return false;
            }

            columns++;
        }

        return true;
    }
}
