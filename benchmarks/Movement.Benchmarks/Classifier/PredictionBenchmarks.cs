// Placeholder: feature extraction + ML.NET prediction (issue 8: "µs/window").
//
// The exercise classifier (windowed features + ML.NET model) is being built on the `classifier` branch;
// once merged, add a [MemoryDiagnoser] class here with a baseline of feature extraction alone, then
// feature extraction + PredictionEngine.Predict on one window (e.g. 2 s at 100 Hz) of
// KneeExtensionMotion samples (or a window cut from a real recording). One operation = one window, so
// Mean is µs/window. Keep the model load in [GlobalSetup]; the PredictionEngine is per thread.
namespace Movement.Benchmarks.Classifier;
