using System.IO.Compression;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Movement.Classifier.Recognition;

namespace Movement.Classifier.Tests.Recognition;

public sealed class FeatureSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("movement-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A copy of the committed model whose stored schema is <paramref name="schema"/> (null: none stored).</summary>
    private string ModelWith(FeatureSchema? schema)
    {
        var path = Path.Combine(_dir, $"model-{Guid.NewGuid():N}.zip");
        File.Copy(new RecognitionOptions().ResolvedModelPath, path);
        if (schema is null)
        {
            using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
            zip.GetEntry(FeatureSchema.EntryName)?.Delete();
        }
        else
        {
            schema.WriteTo(path);
        }

        return path;
    }

    private static FeatureSchema Swapped(WindowFeature a, WindowFeature b)
    {
        var names = WindowFeatures.Schema.Names.ToArray();
        (names[(int)a], names[(int)b]) = (names[(int)b], names[(int)a]);
        return new FeatureSchema(WindowFeatures.Schema.Version, names);
    }

    [Fact]
    public void Schema_WindowFeatures_OneUniqueSnakeCaseNamePerFeature()
    {
        var names = WindowFeatures.Schema.Names;

        Assert.Equal(WindowFeatures.Count, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("accel_std", names[(int)WindowFeature.AccelStd]);
        Assert.All(names, n => Assert.Matches("^[a-z0-9_]+$", n));
    }

    [Fact]
    public void ReadFrom_CommittedModel_MatchesTheCode()
    {
        var stored = FeatureSchema.ReadFrom(new RecognitionOptions().ResolvedModelPath);

        Assert.Null(WindowFeatures.Schema.Mismatch(stored));
        Assert.Equal(WindowFeatures.Schema.Hash, stored.Hash);
    }

    [Fact]
    public void Mismatch_TwoFeaturesSwapped_NamesTheFirstPosition()
    {
        var mismatch = WindowFeatures.Schema.Mismatch(Swapped(WindowFeature.AccelStd, WindowFeature.TiltMaxDeg));

        Assert.Equal("feature 5 is 'tilt_max_deg' in the model, 'accel_std' in the code", mismatch);
    }

    [Fact]
    public void Mismatch_ModelLacksTheLastFeature_SaysMissing()
    {
        var shorter = new FeatureSchema(WindowFeatures.Schema.Version, WindowFeatures.Schema.Names.SkipLast(1).ToArray());

        var mismatch = WindowFeatures.Schema.Mismatch(shorter);

        Assert.Equal($"feature {WindowFeatures.Count - 1} is missing in the model, 'gravity_along_p90' in the code", mismatch);
    }

    [Fact]
    public void Mismatch_OtherVersion_SaysVersion()
    {
        var mismatch = WindowFeatures.Schema.Mismatch(WindowFeatures.Schema with { Version = WindowFeatures.Schema.Version + 1 });

        Assert.NotNull(mismatch);
        Assert.Contains("version", mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_ThenReadFrom_RoundTripsAndMlNetStillLoads()
    {
        var path = ModelWith(WindowFeatures.Schema);
        WindowFeatures.Schema.WriteTo(path); // twice: replaces, does not duplicate

        var model = ExerciseModel.Load(path);

        Assert.Equal(CommittedModel.Value.Classes, model.Classes);
        Assert.Equal(WindowFeatures.Schema.Names, FeatureSchema.ReadFrom(path).Names);
    }

    [Fact]
    public void Load_ModelTrainedOnOtherOrder_FailsNamingTheFirstDifferingFeature()
    {
        var path = ModelWith(Swapped(WindowFeature.GyroMax, WindowFeature.OnThigh));

        var error = Assert.Throws<InvalidDataException>(() => ExerciseModel.Load(path));

        Assert.Contains("feature 16 is 'on_thigh' in the model, 'gyro_max' in the code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelWithoutSchema_FailsSayingRetrain()
    {
        var path = ModelWith(null);

        var error = Assert.Throws<InvalidDataException>(() => ExerciseModel.Load(path));

        Assert.Contains("no feature schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_NamesEditedWithoutHash_Fails()
    {
        var path = ModelWith(WindowFeatures.Schema);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(FeatureSchema.EntryName)!;
            string json;
            using (var reader = new StreamReader(entry.Open()))
            {
                json = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(FeatureSchema.EntryName).Open());
            writer.Write(json.Replace("\"accel_std\"", "\"accel_spread\"", StringComparison.Ordinal));
        }

        var error = Assert.Throws<InvalidDataException>(() => FeatureSchema.ReadFrom(path));

        Assert.Contains("hash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClassifier_MismatchedModel_FailsAtStartNamingTheFeature()
    {
        var path = ModelWith(Swapped(WindowFeature.HasGyro, WindowFeature.SideKnown));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{RecognitionOptions.SectionName}:ModelPath"] = path })
            .Build());
        services.AddClassifier();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RecognitionOptions>>().Value);

        Assert.Contains("feature 31 is 'has_gyro' in the model, 'side_known' in the code", error.Message, StringComparison.Ordinal);
    }
}
