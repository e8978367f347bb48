using BenchmarkDotNet.Attributes;
using Movement.Benchmarks.Motion;
using Movement.Classifier.Recognition;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// Exercise recognition cost per window (issue 8: "µs/window"). One operation feeds one hop of samples (2 s at
/// 100 Hz = 200 samples, resampled to 25 Hz) and so completes exactly one 4 s window: Mean is µs/window.
/// Baseline: feature extraction alone; then features + PredictionEngine.Predict with the committed model.
/// The model loads in [GlobalSetup]; the predictor is per stream (a PredictionEngine is not thread-safe).
/// </summary>
[MemoryDiagnoser]
public class PredictionBenchmarks
{
    private const int RateHz = 100;
    private const int HopSamples = WindowFeatures.HopSamples * RateHz / 25;
    private const int StreamSamples = 60 * RateHz;

    private ImuSample[] _stream = null!;
    private WindowFeatures _features = null!;
    private ExercisePredictor _predictor = null!;
    private int _cursor;
    private long _offsetUs;

    [GlobalSetup]
    public void Setup()
    {
        _stream = new KneeExtensionMotion(seed: 11).Samples(1_764_400_000_000_000, StreamSamples);
        _features = new WindowFeatures(Placement.Shank);
        _predictor = ExerciseModel.Load(new RecognitionOptions().ResolvedModelPath).CreatePredictor();
        for (var i = 0; i < 2; i++)
        {
            NextWindow(); // fill the first window
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _predictor.Dispose();

    [Benchmark(Baseline = true)]
    public float Features_OneWindow() => NextWindow() ? _features.Values[0] : float.NaN;

    [Benchmark]
    public float FeaturesAndPredict_OneWindow() => NextWindow() ? _predictor.Predict(_features.Values)[0] : float.NaN;

    private bool NextWindow()
    {
        var completed = false;
        for (var i = 0; i < HopSamples; i++)
        {
            if (_cursor == _stream.Length)
            {
                // Loop the minute of motion, later in time, so the stream never goes back or gaps.
                _cursor = 0;
                _offsetUs += _stream[^1].TimestampUs - _stream[0].TimestampUs + (1_000_000 / RateHz);
            }

            var sample = _stream[_cursor++];
            completed |= _features.Add(sample with { TimestampUs = sample.TimestampUs + _offsetUs });
        }

        return completed;
    }
}
