using System.Globalization;
using System.Text;
using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>How to read a recording CSV.</summary>
public sealed record RecordingReadOptions
{
    /// <summary>Unix time in µs of <c>time_s = 0</c>; sample timestamps are this plus <c>time_s</c>.</summary>
    public long StartUnixUs { get; init; }

    /// <summary>Largest accepted |acceleration| per axis in m/s² (after unit conversion); beyond it a row is rejected.</summary>
    public double MaxAbsAccelMps2 { get; init; } = 50 * RecordingUnits.StandardGravityMps2;

    /// <summary>Largest accepted |angular rate| per axis in rad/s (after unit conversion).</summary>
    public double MaxAbsGyroRadPerS { get; init; } = 70.0;
}

/// <summary>How to write a recording CSV.</summary>
public sealed record RecordingWriteOptions
{
    /// <summary>Unix time in µs written as <c>time_s = 0</c>; null means the first sample's timestamp.</summary>
    public long? StartUnixUs { get; init; }

    public AccelUnit AccelUnit { get; init; } = AccelUnit.MetresPerSecondSquared;

    public GyroUnit GyroUnit { get; init; } = GyroUnit.RadiansPerSecond;

    /// <summary>Write the gyroscope columns; null means "if the first sample has gyro".</summary>
    public bool? IncludeGyro { get; init; }
}

/// <summary>
/// Reads and writes the Movement recording format (see docs/recordings.md):
/// <c>time_s,ax,ay,az[,gx,gy,gz]</c>, comma-separated, invariant culture, '#' comment lines allowed.
/// Units come from the header: <c>ax</c> is m/s², <c>ax_g</c> is g; <c>gx</c> is rad/s, <c>gx_dps</c> is deg/s.
/// </summary>
public static class RecordingCsv
{
    public static RecordingReadResult ReadFile(string path, RecordingReadOptions? options = null) =>
        StreamFile(path, options).ToResult();

    public static RecordingReadResult Read(TextReader reader, RecordingReadOptions? options = null, string source = "recording") =>
        new RecordingStream(source, int.MaxValue, stream => ReadRows(() => reader, dispose: false, options, stream)).ToResult();

    /// <summary>
    /// <paramref name="path"/> read as it is enumerated (the file is opened then, and closed at the end), keeping the
    /// first <paramref name="keptErrors"/> rejected rows.
    /// </summary>
    public static RecordingStream StreamFile(string path, RecordingReadOptions? options = null, int keptErrors = int.MaxValue) =>
        new(path, keptErrors, stream => ReadRows(() => RecordingFiles.OpenText(path), dispose: true, options, stream));

    private static IEnumerable<ImuSample> ReadRows(Func<TextReader> open, bool dispose, RecordingReadOptions? options, RecordingStream stream)
    {
        options ??= new RecordingReadOptions();
        Header? header = null;
        var lineNumber = 0;
        double previousTimeS = double.NegativeInfinity;
        var values = new double[7];
        var reader = open();
        try
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var text = line.Trim();
                if (text.Length == 0 || text[0] == '#')
                {
                    continue;
                }

                if (header is null)
                {
                    if (!Header.TryParse(text, out var parsed, out var headerError))
                    {
                        stream.Reject(lineNumber, headerError!);
                        yield break;
                    }

                    header = parsed!;
                    (stream.HasGyro, stream.AccelUnit, stream.GyroUnit) = (header.HasGyro, header.AccelUnit, header.GyroUnit);
                    continue;
                }

                if (!TryParseRow(text, header, options, values, out var rowError))
                {
                    stream.Reject(lineNumber, rowError!);
                    continue;
                }

                var timeS = values[0];
                if (timeS <= previousTimeS)
                {
                    stream.Reject(lineNumber, string.Create(CultureInfo.InvariantCulture,
                        $"time_s {timeS} is not after the previous row's {previousTimeS}"));
                    continue;
                }

                previousTimeS = timeS;
                var timestampUs = options.StartUnixUs + (long)Math.Round(timeS * 1e6);
                yield return header.HasGyro
                    ? new ImuSample(timestampUs, (float)values[1], (float)values[2], (float)values[3], (float)values[4], (float)values[5], (float)values[6])
                    : new ImuSample(timestampUs, (float)values[1], (float)values[2], (float)values[3]);
            }

            if (header is null)
            {
                stream.Reject(Math.Max(lineNumber, 1), "no header line; expected time_s,ax,ay,az[,gx,gy,gz]");
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

    public static void WriteFile(string path, IReadOnlyList<ImuSample> samples, RecordingWriteOptions? options = null)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Write(writer, samples, options);
    }

    public static void Write(TextWriter writer, IReadOnlyList<ImuSample> samples, RecordingWriteOptions? options = null)
    {
        options ??= new RecordingWriteOptions();
        var gyro = options.IncludeGyro ?? (samples.Count > 0 && samples[0].HasGyro);
        var origin = options.StartUnixUs ?? (samples.Count > 0 ? samples[0].TimestampUs : 0);
        var a = RecordingUnits.AccelSuffix(options.AccelUnit);
        var g = RecordingUnits.GyroSuffix(options.GyroUnit);
        writer.Write($"time_s,ax{a},ay{a},az{a}");
        if (gyro)
        {
            writer.Write($",gx{g},gy{g},gz{g}");
        }

        writer.Write('\n');
        var inv = CultureInfo.InvariantCulture;
        foreach (var s in samples)
        {
            // Microsecond timestamps are exact in 6 decimals of seconds.
            writer.Write(((s.TimestampUs - origin) / 1e6).ToString("0.######", inv));
            WriteValue(writer, RecordingUnits.AccelFromMps2(s.AccelX, options.AccelUnit));
            WriteValue(writer, RecordingUnits.AccelFromMps2(s.AccelY, options.AccelUnit));
            WriteValue(writer, RecordingUnits.AccelFromMps2(s.AccelZ, options.AccelUnit));
            if (gyro)
            {
                WriteValue(writer, RecordingUnits.GyroFromRadPerS(s.GyroX, options.GyroUnit));
                WriteValue(writer, RecordingUnits.GyroFromRadPerS(s.GyroY, options.GyroUnit));
                WriteValue(writer, RecordingUnits.GyroFromRadPerS(s.GyroZ, options.GyroUnit));
            }

            writer.Write('\n');
        }
    }

    private static void WriteValue(TextWriter writer, double value)
    {
        writer.Write(',');
        // "R" of the float keeps m/s² and rad/s values bit-exact on a round trip.
        writer.Write(((float)value).ToString("R", CultureInfo.InvariantCulture));
    }

    private static bool TryParseRow(string text, Header header, RecordingReadOptions options, double[] values, out string? error)
    {
        var fields = text.Split(',');
        if (fields.Length != header.Names.Length)
        {
            error = $"expected {header.Names.Length} fields ({string.Join(',', header.Names)}), found {fields.Length}";
            return false;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i].Trim();
            if (field.Length == 0)
            {
                error = $"column {header.Names[i]}: empty";
                return false;
            }

            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                error = $"column {header.Names[i]}: '{Shorten(field)}' is not a number";
                return false;
            }

            if (!double.IsFinite(value))
            {
                error = $"column {header.Names[i]}: '{Shorten(field)}' is not finite";
                return false;
            }

            values[i] = i switch
            {
                0 => value,
                <= 3 => RecordingUnits.AccelToMps2(value, header.AccelUnit),
                _ => RecordingUnits.GyroToRadPerS(value, header.GyroUnit),
            };
        }

        if (values[0] < 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"column time_s: {values[0]} is negative");
            return false;
        }

        for (var i = 1; i < fields.Length; i++)
        {
            var limit = i <= 3 ? options.MaxAbsAccelMps2 : options.MaxAbsGyroRadPerS;
            if (Math.Abs(values[i]) > limit)
            {
                var unit = i <= 3 ? "m/s²" : "rad/s";
                error = string.Create(CultureInfo.InvariantCulture,
                    $"column {header.Names[i]}: {Shorten(fields[i].Trim())} is outside ±{limit:0.###} {unit}");
                return false;
            }
        }

        error = null;
        return true;
    }

    private static string Shorten(string field) => field.Length <= 24 ? field : field[..24] + "…";

    private sealed record Header(string[] Names, bool HasGyro, AccelUnit AccelUnit, GyroUnit GyroUnit)
    {
        public static bool TryParse(string text, out Header? header, out string? error)
        {
            header = null;
            var names = text.Split(',').Select(n => n.Trim().ToLowerInvariant()).ToArray();
            if (names.Length is not (4 or 7))
            {
                error = $"header has {names.Length} columns; expected time_s,ax,ay,az or time_s,ax,ay,az,gx,gy,gz";
                return false;
            }

            if (names[0] != "time_s")
            {
                error = $"first column is '{Shorten(names[0])}'; expected time_s";
                return false;
            }

            if (!TryUnit(names, 1, "a", "_g", out var accelInG, out error))
            {
                return false;
            }

            var gyroInDeg = false;
            if (names.Length == 7 && !TryUnit(names, 4, "g", "_dps", out gyroInDeg, out error))
            {
                return false;
            }

            header = new Header(names, names.Length == 7,
                accelInG ? AccelUnit.StandardGravity : AccelUnit.MetresPerSecondSquared,
                gyroInDeg ? GyroUnit.DegreesPerSecond : GyroUnit.RadiansPerSecond);
            error = null;
            return true;
        }

        /// <summary>Checks three axis columns (e.g. ax,ay,az or ax_g,ay_g,az_g) share one unit.</summary>
        private static bool TryUnit(string[] names, int first, string prefix, string altSuffix, out bool alternate, out string? error)
        {
            alternate = names[first].EndsWith(altSuffix, StringComparison.Ordinal);
            var suffix = alternate ? altSuffix : "";
            var expected = new[] { $"{prefix}x{suffix}", $"{prefix}y{suffix}", $"{prefix}z{suffix}" };
            for (var i = 0; i < 3; i++)
            {
                if (names[first + i] != expected[i])
                {
                    error = $"column {first + i + 1} is '{Shorten(names[first + i])}'; expected {expected[i]} " +
                            $"(axis columns are {prefix}x,{prefix}y,{prefix}z or {prefix}x{altSuffix},{prefix}y{altSuffix},{prefix}z{altSuffix}, all in one unit)";
                    return false;
                }
            }

            error = null;
            return true;
        }
    }
}
