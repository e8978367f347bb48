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
        Span<double> values = stackalloc double[5];
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!TryParseRow(line, values, out var columns, out var reason))
            {
                throw new DatasetFormatException(path, lineNumber, reason!);
            }

            if (columns == 0)
            {
                continue;
            }

            if (columns < 5)
            {
                throw new DatasetFormatException(path, lineNumber, $"expected t_ns,accuracy,x,y,z, found {columns} columns");
            }

            samples.Add(new ImuSample((long)(values[0] / 1000), (float)values[2], (float)values[3], (float)values[4]));
        }

        return [.. samples];
    }

    /// <summary>Ground truth: the number of 0→1 transitions in either foot column.</summary>
    public static int ReadTrueSteps(string path)
    {
        Span<double> values = stackalloc double[3];
        var lineNumber = 0;
        var steps = 0;
        double? foot1 = null, foot2 = null;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!TryParseRow(line, values, out var columns, out var reason))
            {
                throw new DatasetFormatException(path, lineNumber, reason!);
            }

            if (columns == 0)
            {
                continue;
            }

            if (columns < 3)
            {
                throw new DatasetFormatException(path, lineNumber, $"expected t_ns,foot1,foot2, found {columns} columns");
            }

            if (foot1 == 0 && values[1] == 1)
            {
                steps++;
            }

            if (foot2 == 0 && values[2] == 1)
            {
                steps++;
            }

            foot1 = values[1];
            foot2 = values[2];
        }

        return steps;
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
