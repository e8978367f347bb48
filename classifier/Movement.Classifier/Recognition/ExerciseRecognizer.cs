using Movement.Protocol;

namespace Movement.Classifier.Recognition;

/// <summary>
/// Recognises the exercise on one sensor stream: windows the samples (<see cref="WindowFeatures"/>), predicts each
/// window with the model and decides with the station plan as a prior (<see cref="ExerciseDecision"/>). Without a
/// model it simply follows the plan. One per stream; not thread-safe.
/// </summary>
public sealed class ExerciseRecognizer : IDisposable
{
    private readonly WindowFeatures? _features; // none without a model: the plan alone decides, no windows to keep
    private readonly ExercisePredictor? _predictor;
    private readonly ExerciseDecision _decision;

    public ExerciseRecognizer(ExerciseModel? model, Placement placement, RecognitionOptions options, Side? side = null)
    {
        _features = model is null ? null : new WindowFeatures(placement, side);
        _predictor = model?.CreatePredictor();
        _decision = new ExerciseDecision(model?.Classes ?? [], options);
    }

    public string Exercise => _decision.Exercise;

    public double Confidence => _decision.Confidence;

    public ExerciseDecision Decision => _decision;

    /// <summary>Windows predicted so far (each one's label is <see cref="ExerciseDecision.LastWindow"/> when it was made).</summary>
    public int Windows { get; private set; }

    /// <summary>Takes the plan's exercise (null: none) and a batch of samples; returns the current exercise.</summary>
    public string Update(string? planned, ReadOnlySpan<ImuSample> samples)
    {
        _decision.ObservePlan(planned);
        if (_predictor is null || _features is null)
        {
            return _decision.Exercise;
        }

        foreach (ref readonly var sample in samples)
        {
            if (_features.Add(sample))
            {
                Windows++;
                if (WindowFeatures.IsStill(_features.Values))
                {
                    _decision.ObserveStill();
                }
                else
                {
                    _decision.ObserveWindow(_predictor.Predict(_features.Values));
                }
            }
        }

        return _decision.Exercise;
    }

    public void Dispose() => _predictor?.Dispose();
}

/// <summary>The loaded model (or none) and options, shared by every stream's <see cref="ExerciseRecognizer"/>.</summary>
public sealed class ExerciseRecognition(RecognitionOptions options)
{
    private readonly Lazy<ExerciseModel?> _model = new(() => options.Enabled ? ExerciseModel.Load(options.ResolvedModelPath) : null);

    public ExerciseModel? Model => _model.Value;

    public ExerciseRecognizer CreateRecognizer(Placement placement, Side? side = null) => new(Model, placement, options, side);
}
