using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Movement.Classifier.Recognition;

/// <summary>
/// The ordered feature names a model was trained on (and a version for a change in how a feature is computed
/// under the same name). The training command writes it into the model zip (<see cref="EntryName"/>); loading
/// a model compares it with <see cref="WindowFeatures.Schema"/>, so a model built for other features fails at
/// start, naming the first difference, instead of predicting from misplaced inputs.
/// </summary>
public sealed record FeatureSchema(int Version, IReadOnlyList<string> Names)
{
    /// <summary>Bump when a feature's computation changes without its name changing (and retrain).</summary>
    public const int CurrentVersion = 1;

    /// <summary>The zip entry holding the schema; ML.NET ignores entries it did not write.</summary>
    public const string EntryName = "Movement/FeatureSchema.json";

    /// <summary>SHA-256 of the version and names: a short fingerprint for logs and reports.</summary>
    public string Hash { get; } = ComputeHash(Version, Names);

    /// <summary>The schema of an enum's members in declaration order, names in snake_case (a trailing <c>Count</c> member is left out).</summary>
    public static FeatureSchema Of<TFeature>(int version)
        where TFeature : struct, Enum =>
        new(version, [.. Enum.GetValues<TFeature>().Where(f => f.ToString() != "Count").Select(f => JsonNamingPolicy.SnakeCaseLower.ConvertName(f.ToString()))]);

    /// <summary>
    /// Null when <paramref name="model"/> matches this (the code's) schema; otherwise what differs: the version,
    /// or the first position whose feature name differs (or that one of the two lacks).
    /// </summary>
    public string? Mismatch(FeatureSchema model)
    {
        if (model.Version != Version)
        {
            return $"feature schema version {model.Version}, the code computes version {Version}";
        }

        for (var i = 0; i < Math.Max(Names.Count, model.Names.Count); i++)
        {
            var expected = i < Names.Count ? Names[i] : null;
            var actual = i < model.Names.Count ? model.Names[i] : null;
            if (expected != actual)
            {
                return $"feature {i} is {Describe(actual)} in the model, {Describe(expected)} in the code";
            }
        }

        return null;
    }

    /// <summary>Adds (or replaces) the schema entry in a saved model zip.</summary>
    public void WriteTo(string modelPath)
    {
        using var zip = ZipFile.Open(modelPath, ZipArchiveMode.Update);
        zip.GetEntry(EntryName)?.Delete();
        using var stream = zip.CreateEntry(EntryName).Open();
        JsonSerializer.Serialize(stream, new StoredSchema(Version, Names, Hash), FeatureSchemaJson.Default.StoredSchema);
    }

    /// <summary>The schema stored in a model zip; throws <see cref="InvalidDataException"/> when it has none or it is unreadable.</summary>
    public static FeatureSchema ReadFrom(string modelPath)
    {
        using var zip = ZipFile.OpenRead(modelPath);
        var entry = zip.GetEntry(EntryName)
            ?? throw new InvalidDataException($"Model '{modelPath}' carries no feature schema ({EntryName}); retrain it with `movement train` (tools/Movement.Tools).");
        StoredSchema? stored;
        using (var stream = entry.Open())
        {
            try
            {
                stored = JsonSerializer.Deserialize(stream, FeatureSchemaJson.Default.StoredSchema);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Model '{modelPath}': unreadable feature schema ({EntryName}): {ex.Message}", ex);
            }
        }

        if (stored?.Features is not { Count: > 0 } names || names.Any(string.IsNullOrEmpty))
        {
            throw new InvalidDataException($"Model '{modelPath}': the feature schema ({EntryName}) lists no features or an empty name.");
        }

        var schema = new FeatureSchema(stored.Version, names);
        if (stored.Hash != schema.Hash)
        {
            throw new InvalidDataException($"Model '{modelPath}': the feature schema's hash does not match its names (edited by hand?).");
        }

        return schema;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless the model at <paramref name="modelPath"/> was trained on this schema.</summary>
    public void EnsureMatches(string modelPath)
    {
        if (Mismatch(ReadFrom(modelPath)) is { } difference)
        {
            throw new InvalidDataException($"Model '{modelPath}' was trained on other features than the classifier computes: {difference}. Retrain it with `movement train` (tools/Movement.Tools).");
        }
    }

    private static string Describe(string? name) => name is null ? "missing" : $"'{name}'";

    private static string ComputeHash(int version, IReadOnlyList<string> names) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{version}\n{string.Join('\n', names)}")));
}

internal sealed record StoredSchema(int Version, IReadOnlyList<string> Features, string Hash);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StoredSchema))]
internal sealed partial class FeatureSchemaJson : JsonSerializerContext;
