using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Movement.Protocol;

namespace Movement.Motion.Recordings;

/// <summary>Ground truth of one repetition. Times are seconds on the recording's <c>time_s</c> axis.</summary>
/// <param name="Exercise">An id from <see cref="ExerciseIds"/>.</param>
/// <param name="RomDeg">Range of motion of the exercise's primary joint angle in this rep (see docs/motion-model.md).</param>
/// <param name="Faults">Ids from <see cref="FormFlagIds"/>; empty for a correct rep.</param>
public sealed record RepTruth(string Exercise, double StartS, double EndS, double RomDeg, double DurationS, IReadOnlyList<string> Faults);

/// <summary>A stretch of one activity (an exercise set, walking, rest) on the recording's time axis.</summary>
public sealed record SegmentTruth(string Exercise, double StartS, double EndS);

/// <summary>
/// The ground-truth side file of a recording (<c>name.truth.json</c> next to <c>name.csv</c>).
/// </summary>
/// <param name="Format">Always <see cref="FormatId"/>; lets readers refuse files from a future layout.</param>
/// <param name="Reps">Every repetition, in time order.</param>
/// <param name="HeelStrikesS">Heel strikes of the instrumented leg's person (both feet) while walking, ascending.</param>
/// <param name="Segments">Activity segments covering the recording, in time order.</param>
/// <param name="Placement">Where the sensor sat, when known.</param>
/// <param name="Side">Which leg, when known.</param>
public sealed record RecordingTruth(
    string Format,
    IReadOnlyList<RepTruth> Reps,
    IReadOnlyList<double> HeelStrikesS,
    IReadOnlyList<SegmentTruth> Segments,
    Placement? Placement = null,
    Side? Side = null)
{
    public const string FormatId = "movement-truth/1";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RecordingTruth))]
internal sealed partial class RecordingTruthJsonContext : JsonSerializerContext;

/// <summary>Reads and writes <see cref="RecordingTruth"/> side files (JSON, snake_case; see docs/recordings.md).</summary>
public static class RecordingTruthJson
{
    /// <summary>Side file path for a recording: <c>walk.csv</c> → <c>walk.truth.json</c>.</summary>
    public static string SidePath(string recordingPath) => Path.ChangeExtension(recordingPath, ".truth.json");

    public static byte[] Encode(RecordingTruth truth) =>
        JsonSerializer.SerializeToUtf8Bytes(truth, RecordingTruthJsonContext.Default.RecordingTruth);

    public static void WriteFile(string path, RecordingTruth truth) => File.WriteAllBytes(path, Encode(truth));

    /// <summary>Reads a side file; the error names the file and what was wrong.</summary>
    public static bool TryReadFile(string path, out RecordingTruth? truth, out string? error)
    {
        if (!File.Exists(path))
        {
            truth = null;
            error = $"{path}: no such file";
            return false;
        }

        if (!TryDecode(File.ReadAllBytes(path), out truth, out error))
        {
            error = $"{path}: {error}";
            return false;
        }

        return true;
    }

    /// <summary>Decodes and validates; on failure <paramref name="error"/> says which field and why.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> json, out RecordingTruth? truth, out string? error)
    {
        truth = null;
        if (json.IsEmpty)
        {
            error = "empty ground-truth file";
            return false;
        }

        RecordingTruth? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize(json, RecordingTruthJsonContext.Default.RecordingTruth);
        }
        catch (JsonException ex)
        {
            error = $"invalid ground-truth JSON: {ex.Message}";
            return false;
        }

        if (decoded is null)
        {
            error = "ground-truth JSON is null";
            return false;
        }

        error = Validate(decoded);
        if (error is not null)
        {
            return false;
        }

        truth = decoded;
        return true;
    }

    /// <summary>Returns null when the truth is consistent, else the first problem found.</summary>
    public static string? Validate(RecordingTruth truth)
    {
        var inv = CultureInfo.InvariantCulture;
        if (truth.Format != RecordingTruth.FormatId)
        {
            return $"format is '{truth.Format}'; expected '{RecordingTruth.FormatId}'";
        }

        for (var i = 0; i < truth.Reps.Count; i++)
        {
            var rep = truth.Reps[i];
            var where = $"reps[{i}]";
            if (!ExerciseIds.All.Contains(rep.Exercise))
            {
                return $"{where}.exercise '{rep.Exercise}' is not a known exercise id";
            }

            if (!double.IsFinite(rep.StartS) || !double.IsFinite(rep.EndS) || rep.StartS < 0 || rep.EndS <= rep.StartS)
            {
                return string.Create(inv, $"{where}: end_s {rep.EndS} must be after start_s {rep.StartS} (both ≥ 0)");
            }

            if (Math.Abs(rep.DurationS - (rep.EndS - rep.StartS)) > 1e-3)
            {
                return string.Create(inv, $"{where}.duration_s {rep.DurationS} differs from end_s - start_s = {rep.EndS - rep.StartS}");
            }

            if (!double.IsFinite(rep.RomDeg) || rep.RomDeg < 0 || rep.RomDeg > 360)
            {
                return string.Create(inv, $"{where}.rom_deg {rep.RomDeg} is outside 0..360");
            }

            foreach (var fault in rep.Faults)
            {
                if (fault is not (FormFlagIds.PartialRange or FormFlagIds.TooFast or FormFlagIds.Unstable or FormFlagIds.UnevenTempo))
                {
                    return $"{where}.faults: '{fault}' is not a known form flag id";
                }
            }
        }

        for (var i = 0; i < truth.HeelStrikesS.Count; i++)
        {
            var t = truth.HeelStrikesS[i];
            if (!double.IsFinite(t) || t < 0 || (i > 0 && t < truth.HeelStrikesS[i - 1]))
            {
                return string.Create(inv, $"heel_strikes_s[{i}] = {t} is negative, not finite or out of order");
            }
        }

        for (var i = 0; i < truth.Segments.Count; i++)
        {
            var s = truth.Segments[i];
            if (!ExerciseIds.All.Contains(s.Exercise))
            {
                return $"segments[{i}].exercise '{s.Exercise}' is not a known exercise id";
            }

            if (!double.IsFinite(s.StartS) || !double.IsFinite(s.EndS) || s.StartS < 0 || s.EndS <= s.StartS)
            {
                return string.Create(inv, $"segments[{i}]: end_s {s.EndS} must be after start_s {s.StartS} (both ≥ 0)");
            }
        }

        return null;
    }
}
