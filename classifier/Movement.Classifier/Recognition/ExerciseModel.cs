using Microsoft.ML;
using Microsoft.ML.Data;

namespace Movement.Classifier.Recognition;

/// <summary>One window's features (and, for training, its exercise id) as the ML.NET model sees it.</summary>
public sealed class ExerciseWindow
{
    [VectorType(WindowFeatures.Count)]
    public float[] Features { get; set; } = new float[WindowFeatures.Count];

    public string Label { get; set; } = "";
}

/// <summary>The model's output: one probability per class, in <see cref="ExerciseModel.Classes"/> order.</summary>
public sealed class ExerciseScores
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}

/// <summary>
/// The trained exercise recogniser (an ML.NET model zip, see models/trained/). The transformer is shared;
/// each stream gets its own <see cref="ExercisePredictor"/> because a PredictionEngine is not thread-safe.
/// </summary>
public sealed class ExerciseModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;

    private ExerciseModel(MLContext ml, ITransformer transformer, IReadOnlyList<string> classes)
    {
        _ml = ml;
        _transformer = transformer;
        Classes = classes;
    }

    /// <summary>Exercise ids, in the order of <see cref="ExerciseScores.Score"/>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Loads a model zip; throws <see cref="InvalidDataException"/> when it was trained on other features than <see cref="WindowFeatures.Schema"/>.</summary>
    public static ExerciseModel Load(string path)
    {
        WindowFeatures.Schema.EnsureMatches(path);
        var ml = new MLContext(seed: 0);
        using var stream = File.OpenRead(path);
        var transformer = ml.Model.Load(stream, out _);
        return FromTransformer(ml, transformer);
    }

    public static ExerciseModel FromTransformer(MLContext ml, ITransformer transformer)
    {
        using var engine = ml.Model.CreatePredictionEngine<ExerciseWindow, ExerciseScores>(transformer);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        engine.OutputSchema["Score"].GetSlotNames(ref names);
        var classes = names.DenseValues().Select(n => n.ToString()).ToArray();
        return new ExerciseModel(ml, transformer, classes);
    }

    public ExercisePredictor CreatePredictor() => new(_ml.Model.CreatePredictionEngine<ExerciseWindow, ExerciseScores>(_transformer), Classes);
}

/// <summary>Predicts one window at a time for one stream (not thread-safe; reuses its buffers).</summary>
public sealed class ExercisePredictor : IDisposable
{
    private readonly PredictionEngine<ExerciseWindow, ExerciseScores> _engine;
    private readonly ExerciseWindow _input = new();
    private ExerciseScores _output = new();

    internal ExercisePredictor(PredictionEngine<ExerciseWindow, ExerciseScores> engine, IReadOnlyList<string> classes)
    {
        _engine = engine;
        Classes = classes;
    }

    public IReadOnlyList<string> Classes { get; }

    /// <summary>Class probabilities for one window's features (valid until the next call).</summary>
    public ReadOnlySpan<float> Predict(ReadOnlySpan<float> features)
    {
        features.CopyTo(_input.Features);
        _engine.Predict(_input, ref _output);
        return _output.Score;
    }

    public void Dispose() => _engine.Dispose();
}
