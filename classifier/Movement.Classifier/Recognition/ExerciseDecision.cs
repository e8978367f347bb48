using Movement.Protocol;

namespace Movement.Classifier.Recognition;

/// <summary>
/// Turns per-window class probabilities into the stream's current exercise. The supervisor's station plan is
/// a prior (the planned exercise's probability is multiplied by <see cref="RecognitionOptions.PlanPriorWeight"/>,
/// then renormalised), not a replacement: a different exercise takes over only when its posterior stays above
/// <see cref="RecognitionOptions.MinConfidence"/> for <see cref="RecognitionOptions.StableWindows"/> windows in a
/// row. Rest windows neither confirm nor break a change: people pause between reps. A window the model itself is
/// unsure of (its most probable class, before the prior, below <see cref="RecognitionOptions.UnknownBelow"/>) is
/// <c>unknown</c>: it never confirms a change and breaks a streak towards one.
/// </summary>
public sealed class ExerciseDecision(IReadOnlyList<string> classes, RecognitionOptions options)
{
    private readonly float[] _posterior = new float[classes.Count];
    private string? _planned;
    private bool _seenPlan;
    private string? _candidate;
    private int _streak;

    public string Exercise { get; private set; } = ExerciseIds.Unknown;

    /// <summary>Posterior of <see cref="Exercise"/> when it was decided (1 when it came from the plan).</summary>
    public double Confidence { get; private set; } = 1;

    /// <summary>The most probable class of the last window and its posterior (for tracing and tests).</summary>
    public (string Exercise, double Posterior) LastWindow { get; private set; } = (ExerciseIds.Unknown, 0);

    /// <summary>The plan changed (or was first seen): follow it at once, the supervisor said so.</summary>
    public bool ObservePlan(string? planned)
    {
        if (_seenPlan && planned == _planned)
        {
            return false;
        }

        _seenPlan = true;
        _planned = planned;
        _candidate = null;
        _streak = 0;
        var exercise = planned ?? ExerciseIds.Unknown;
        if (exercise == Exercise)
        {
            return false;
        }

        Exercise = exercise;
        Confidence = 1;
        return true;
    }

    /// <summary>A window in which the sensor did not move: rest (which neither confirms nor breaks a change).</summary>
    public void ObserveStill() => LastWindow = (ExerciseIds.Rest, 1);

    /// <summary>One window's probabilities (in the model's class order); true when the exercise changed.</summary>
    public bool ObserveWindow(ReadOnlySpan<float> probabilities)
    {
        float sum = 0, rawSum = 0, rawTop = 0;
        var best = 0;
        for (var i = 0; i < _posterior.Length; i++)
        {
            var raw = Math.Max(0, probabilities[i]);
            rawSum += raw;
            rawTop = Math.Max(rawTop, raw);
            var p = raw * (classes[i] == _planned ? (float)options.PlanPriorWeight : 1);
            _posterior[i] = p;
            sum += p;
        }

        if (sum <= 0)
        {
            return false;
        }

        if (rawTop < options.UnknownBelow * rawSum)
        {
            // The model alone cannot tell: nothing to confirm, and a run of confident windows is interrupted.
            LastWindow = (ExerciseIds.Unknown, rawTop / rawSum);
            _candidate = null;
            _streak = 0;
            return false;
        }

        for (var i = 0; i < _posterior.Length; i++)
        {
            _posterior[i] /= sum;
            if (_posterior[i] > _posterior[best] || (_posterior[i] == _posterior[best] && classes[i] == _planned))
            {
                best = i;
            }
        }

        var bestClass = classes[best];
        var posterior = _posterior[best];
        LastWindow = (bestClass, posterior);
        if (bestClass == ExerciseIds.Rest)
        {
            return false;
        }

        if (bestClass == Exercise || bestClass == ExerciseIds.Unknown || posterior < options.MinConfidence)
        {
            _candidate = null;
            _streak = 0;
            return false;
        }

        _streak = bestClass == _candidate ? _streak + 1 : 1;
        _candidate = bestClass;
        if (_streak < options.StableWindows)
        {
            return false;
        }

        Exercise = bestClass;
        Confidence = posterior;
        _candidate = null;
        _streak = 0;
        return true;
    }
}
