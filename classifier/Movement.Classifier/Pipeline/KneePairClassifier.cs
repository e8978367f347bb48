using System.Diagnostics.CodeAnalysis;
using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// Everything the classifier does for a thigh + shank pair on one leg: the knee angle (<see cref="KneeAngleEstimator"/>)
/// cut into reps by the same <see cref="RepSegmenter"/> and judged by the same <see cref="FormAssessor"/> as a single
/// sensor's joint angle. The live service and <c>replay-pair</c> both classify through this type.
/// </summary>
public sealed class KneePairClassifier
{
    private readonly FormAssessor _form;
    private RepSegmenter _segmenter;
    private string _exercise = ExerciseIds.Unknown;

    public KneePairClassifier(string thighSensorId, string shankSensorId, Side? side = null, RangeBaseline rangeBaseline = FormAssessor.ShippedRangeBaseline)
    {
        _form = new FormAssessor(rangeBaseline, RomKind.Knee);
        ThighSensorId = thighSensorId;
        ShankSensorId = shankSensorId;
        Estimator = new KneeAngleEstimator(side);
    }

    public string ThighSensorId { get; }

    public string ShankSensorId { get; }

    public KneeAngleEstimator Estimator { get; }

    /// <summary>The latest knee angle read (degrees), for traces.</summary>
    public double KneeDeg { get; private set; }

    public int Reps { get; private set; }

    public string Exercise => _exercise;

    /// <summary>Whether a repetition is under way (for traces: `movement trace`, `movement trace-pair`).</summary>
    public bool InRep => _segmenter.InRep;

    /// <summary>Sets the exercise; a different one starts a new baseline (as <see cref="StreamClassifier.SetExercise"/>).</summary>
    public void SetExercise(string exercise)
    {
        if (exercise == _exercise)
        {
            return;
        }

        var naming = _exercise == ExerciseIds.Unknown && Reps > 0;
        _exercise = exercise;
        if (naming)
        {
            return; // the recogniser named what was counted as unknown: the same movement carries on (as StreamClassifier)
        }

        _form.Reset();
        _segmenter = default; // direction and range are learned again (as SensorPipeline.StartNewExercise)
        Reps = 0;
    }

    public void Add(Placement segment, in ImuSample sample) => Estimator.Add(segment, sample);

    /// <summary>Feeds one sample of the thigh's or shank's sensor as its own pipeline filtered it (the live path: one orientation filter per sensor).</summary>
    internal void Add(Placement segment, long timeUs, SensorPipeline filtered) =>
        Estimator.Add(segment, timeUs, filtered.AngularVelocity, filtered.Gravity);

    /// <summary>
    /// Runs the knee samples that both streams now cover through segmentation; returns true with the first rep
    /// completed (call again until false: a batch may complete more than one).
    /// </summary>
    /// <param name="target">The station's target range; it applies only if it is a knee angle (<see cref="FormAssessor"/>).</param>
    public bool TryNextRep(RangeTarget? target, [NotNullWhen(true)] out ClassifiedRep? rep)
    {
        rep = null;
        while (Estimator.TryRead(out var knee))
        {
            KneeDeg = knee.KneeDeg;
            if (knee.Restarted)
            {
                _segmenter.Reset(); // the rep in progress is not known across the break
            }

            var flips = _segmenter.DirectionFlips;
            var completed = _segmenter.Add(knee.TimeUs, knee.DtS, knee.KneeDeg, knee.SpeedDps, knee.OutOfPlaneDeg, out var measurement);
            if (_segmenter.DirectionFlips != flips)
            {
                _form.Reset(); // the baseline so far was measured the wrong way round
            }

            if (completed)
            {
                Reps++;
                var flags = _form.Assess(measurement, target);
                rep = new ClassifiedRep(RepId(ShankSensorId, measurement), Reps, _exercise, measurement, flags, RomKind.Knee, _form.TargetFor(target));
                return true;
            }
        }

        return false;
    }

    /// <summary>Stable across replays, and distinct from the shank's own rep ids: <c>{shank}-knee-{startUs}-{endUs}</c>.</summary>
    public static string RepId(string shankSensorId, in RepMeasurement rep) => $"{shankSensorId}-knee-{rep.StartUs}-{rep.EndUs}";
}
