using Movement.Classifier.Recognition;

namespace Movement.Classifier.Tests.Recognition;

/// <summary>The committed model (models/trained/exercise-recognition.zip, copied next to the classifier), loaded once.</summary>
internal static class CommittedModel
{
    private static readonly Lazy<ExerciseModel> Model = new(() => ExerciseModel.Load(new RecognitionOptions().ResolvedModelPath));

    public static ExerciseModel Value => Model.Value;
}
