using System.Globalization;
using Movement.Protocol;

namespace Movement.Motion.Recordings;

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
/// (<c>t_ns,accuracy,x,y,z</c>, m/s², irregular rate; the published files have no header) and <c>stepcounter.csv</c>
/// (<c>t_ns,foot1,foot2</c>). A header row, if present, names the columns, so the repository's trimmed copies
/// (<c>t_ns,x,y,z</c>, gzipped, see <see cref="RecordingFiles"/>) read the same way.
/// </summary>
public static class OxfordRecording
{
    public static ImuSample[] ReadAccelerometer(string path) => [.. StreamAccelerometer(path)];

    /// <summary>The accelerometer's samples, read as they are enumerated: bounded memory whatever the file's length.</summary>
    public static IEnumerable<ImuSample> StreamAccelerometer(string path)
    {
        foreach (var row in Rows(path, ["t_ns", "accuracy", "x", "y", "z"], ["t_ns", "x", "y", "z"]))
        {
            yield return new ImuSample((long)(row[0] / 1000), (float)row[1], (float)row[2], (float)row[3]);
        }
    }

    /// <summary>
    /// A foot switch that closes again this soon after its last closing bounced rather than stepped: one foot strikes
    /// once a stride, about a second apart at a walk and well over half a second even running. Chosen from that, not
    /// from the counter's results; the published count (no bounce rule) is <see cref="TimeSpan.Zero"/>.
    /// </summary>
    public static readonly TimeSpan FootSwitchBounce = TimeSpan.FromSeconds(0.3);

    /// <summary>
    /// Ground truth: the number of 0→1 transitions in either foot column, except a foot's rise within
    /// <paramref name="bounce"/> (default <see cref="FootSwitchBounce"/>) of that foot's previous rise.
    /// </summary>
    public static int ReadTrueSteps(string path, TimeSpan? bounce = null)
    {
        var bounceNs = (bounce ?? FootSwitchBounce).Ticks * 100.0;
        var steps = 0;
        double? foot1 = null, foot2 = null;
        double? rise1Ns = null, rise2Ns = null;
        foreach (var row in Rows(path, ["t_ns", "foot1", "foot2"], ["t_ns", "foot1", "foot2"]))
        {
            var timeNs = row[0];
            if (foot1 == 0 && row[1] == 1)
            {
                steps += rise1Ns is { } last1 && timeNs - last1 < bounceNs ? 0 : 1;
                rise1Ns = timeNs;
            }

            if (foot2 == 0 && row[2] == 1)
            {
                steps += rise2Ns is { } last2 && timeNs - last2 < bounceNs ? 0 : 1;
                rise2Ns = timeNs;
            }

            (foot1, foot2) = (row[1], row[2]);
        }

        return steps;
    }

    /// <summary>
    /// Each data row of <paramref name="path"/> as the <paramref name="wanted"/> columns' numbers, in that order (one
    /// array, reused for every row: read it before moving on). Columns are found by a header row when there is one,
    /// else by <paramref name="defaultColumns"/>, the published layout. Blank lines are skipped; a header without a
    /// wanted column, a short row or a column that is not a number throws with its line.
    /// </summary>
    private static IEnumerable<double[]> Rows(string path, string[] defaultColumns, string[] wanted)
    {
        var positions = Positions(defaultColumns, wanted) ?? throw new ArgumentException("default columns lack a wanted one", nameof(defaultColumns));
        var needed = positions.Max() + 1;
        var fields = new double[16];
        var values = new double[wanted.Length];
        var lineNumber = 0;
        using var reader = RecordingFiles.OpenText(path);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var span = line.AsSpan().Trim();
            if (span.Length == 0)
            {
                continue;
            }

            if (char.IsLetter(span[0]))
            {
                var header = line.Split(',', StringSplitOptions.TrimEntries);
                positions = Positions(header, wanted)
                    ?? throw new DatasetFormatException(path, lineNumber, $"header '{line.Trim()}' lacks one of {string.Join(',', wanted)}");
                needed = positions.Max() + 1;
                continue;
            }

            if (!TryParseRow(span, fields.AsSpan(0, Math.Min(needed, fields.Length)), out var found, out var reason))
            {
                throw new DatasetFormatException(path, lineNumber, reason!);
            }

            if (found < needed)
            {
                throw new DatasetFormatException(path, lineNumber, $"expected {needed} columns, found {found}");
            }

            for (var i = 0; i < positions.Length; i++)
            {
                values[i] = fields[positions[i]];
            }

            yield return values;
        }
    }

    private static int[]? Positions(string[] columns, string[] wanted)
    {
        var positions = new int[wanted.Length];
        for (var i = 0; i < wanted.Length; i++)
        {
            positions[i] = Array.FindIndex(columns, c => string.Equals(c, wanted[i], StringComparison.OrdinalIgnoreCase));
            if (positions[i] < 0 || positions[i] >= 16)
            {
                return null;
            }
        }

        return positions;
    }

    private static bool TryParseRow(ReadOnlySpan<char> span, Span<double> values, out int columns, out string? reason)
    {
        columns = 0;
        reason = null;
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
