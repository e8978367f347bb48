using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>What makes a movement a walking stride (<see cref="StrideDetector"/>).</summary>
/// <param name="MinSteps">Steps within a rep's span and the look-back before it, at a walking cadence.</param>
/// <param name="MinStepPeakMs2">A heel strike's peak of band-passed |a| at least this high (a seated or lying rep's swing stays under it).</param>
/// <param name="MaxStrideS">A movement longer than this is no stride (a gait cycle seen from the thigh); 0 for no limit.</param>
public readonly record struct StrideRule(int MinSteps, double MinStepPeakMs2, double MaxStrideS = 0)
{
    /// <summary>The rule the classifier runs (<see cref="RepPlausibility.Shipped"/>).</summary>
    public static StrideRule Shipped => RepPlausibility.Shipped.Stride;
}

/// <summary>
/// Tells a walking stride from a rep without waiting for the recogniser: the segment's swing during a stride looks
/// like a quick rep, but it comes with heel strikes. The stream's own <see cref="StepCounter"/> runs on every sample;
/// a "rep" whose span (and the moments before it) holds enough steps, each firm enough and at a walking cadence, is
/// a stride. On real front-pocket walks replayed under a knee-extension plan the recogniser (trained on simulated
/// gyroscope data) never named walking and every stride was counted (docs/accuracy.md, "Walking at a station").
/// Allocation-free per sample.
/// </summary>
public sealed class StrideDetector(StrideRule rule)
{
    /// <summary>How far before a rep's start its steps are looked for: about two steps of a slow walk.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromSeconds(1.5);

    /// <summary>Steps further apart than this are not one walk (75 steps a minute: slower than a slow walk).</summary>
    public static readonly TimeSpan MaxStepInterval = TimeSpan.FromSeconds(0.8);

    private const int Capacity = 16;
    private readonly StepCounter _steps = new();
    private readonly long[] _stepUs = new long[Capacity];
    private int _count;

    /// <summary>Marching on the spot is stepping: its reps come with heel strikes at a walking cadence by design.</summary>
    public static bool StepsAreTheExercise(string exercise) => exercise == ExerciseIds.Marching;

    /// <summary>Feeds one sample (every sample of the stream, in order).</summary>
    public void Add(in ImuSample sample)
    {
        if (_steps.Add(sample) && _steps.LastPeakMs2 >= rule.MinStepPeakMs2)
        {
            _stepUs[_count++ % Capacity] = sample.TimestampUs;
        }
    }

    /// <summary>Whether the movement from <paramref name="startUs"/> to <paramref name="endUs"/> was a walking stride.</summary>
    public bool IsStride(long startUs, long endUs)
    {
        if (rule.MaxStrideS > 0 && endUs - startUs > rule.MaxStrideS * 1e6)
        {
            return false;
        }

        var fromUs = startUs - (long)(LookBack.TotalMilliseconds * 1000);
        var maxIntervalUs = (long)(MaxStepInterval.TotalMilliseconds * 1000);
        var steps = 0;
        var laterUs = long.MinValue;
        // Newest first: the run of steps at a walking cadence that reaches into the rep's span.
        for (var i = _count - 1; i >= Math.Max(0, _count - Capacity); i--)
        {
            var stepUs = _stepUs[i % Capacity];
            if (stepUs > endUs)
            {
                continue;
            }

            if (stepUs < fromUs || (laterUs != long.MinValue && laterUs - stepUs > maxIntervalUs))
            {
                break;
            }

            if (laterUs == long.MinValue && endUs - stepUs > maxIntervalUs + (endUs - startUs))
            {
                break; // no step within the rep itself
            }

            steps++;
            laterUs = stepUs;
        }

        return steps >= rule.MinSteps;
    }
}
