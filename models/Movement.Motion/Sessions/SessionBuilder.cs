using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>Turns a plan and a person into a keyframe timeline plus ground truth (rep windows, heel strikes, segments).</summary>
internal sealed class SessionBuilder
{
    /// <summary>Shortest time a person takes for one movement phase; faster would mean implausible accelerations.</summary>
    private const double MinMoveS = 0.4;

    private readonly ParticipantProfile _person;
    private readonly BodyDimensions _body;
    private readonly Random _random;
    private readonly MotionTimeline _timeline;
    private Posture _posture;

    public SessionBuilder(ParticipantProfile person, Random random, Posture initialPosture)
    {
        _person = person;
        _body = person.Body;
        _random = random;
        _posture = initialPosture;
        _timeline = new MotionTimeline(ExerciseCatalogue.Neutral(initialPosture, person), ExerciseCatalogue.NeutralAnchor(initialPosture));
    }

    public List<RepWindow> Reps { get; } = [];

    public List<(double TimeS, bool InstrumentedLeg)> HeelStrikes { get; } = [];

    public List<(string Exercise, double StartS, double EndS)> Segments { get; } = [];

    public double TimeS => _timeline.TimeS;

    public MotionTimeline Timeline => _timeline;

    private double Uniform(double lo, double hi) => lo + ((hi - lo) * _random.NextDouble());

    /// <summary>Rest: change posture if the next station needs it, then sit/stand/lie still with small fidgets.</summary>
    public void Rest(double durationS, Posture nextPosture)
    {
        var start = TimeS;
        var end = start + durationS;
        TransitionTo(nextPosture);
        var neutral = ExerciseCatalogue.Neutral(_posture, _person);
        var anchor = ExerciseCatalogue.NeutralAnchor(_posture);
        while (end - TimeS > 2.5)
        {
            _timeline.Hold(Math.Min(Uniform(1.0, 4.0), end - TimeS - 1.5), anchor);
            var fidget = neutral with
            {
                ThighDeg = neutral.ThighDeg + Uniform(-1.5, 1.5),
                KneeFlexDeg = neutral.KneeFlexDeg + Uniform(-2.5, 2.5),
                AnklePlantarDeg = double.IsNaN(neutral.AnklePlantarDeg) ? double.NaN : neutral.AnklePlantarDeg + Uniform(-5, 5),
            };
            fidget = fidget with { KneeFlexDeg = Math.Max(fidget.KneeFlexDeg, 0) };
            _timeline.MoveTo(KeepHip(fidget), Uniform(0.5, 1.2), anchor);
        }

        _timeline.MoveTo(KeepHip(neutral), Math.Max(end - TimeS, 0.3), anchor);
        Segments.Add((ExerciseIds.Rest, start, TimeS));
    }

    private JointPose KeepHip(JointPose pose) => pose with { HipXM = _timeline.Pose.HipXM, HipZM = _timeline.Pose.HipZM };

    private void TransitionTo(Posture target)
    {
        if (target == _posture)
        {
            return;
        }

        var seated = KeepHip(ExerciseCatalogue.Neutral(Posture.Seated, _person));
        if (_posture == Posture.Standing)
        {
            _timeline.MoveTo(seated, 2.5 * _person.SpeedFactor, ChainAnchor.Ankle);
            _timeline.Hold(1.0, ChainAnchor.Hip);
        }
        else if (_posture == Posture.Supine)
        {
            _timeline.MoveTo(seated, 4.0 * _person.SpeedFactor, ChainAnchor.Hip);
            _timeline.Hold(1.0, ChainAnchor.Hip);
        }

        if (target == Posture.Standing)
        {
            _timeline.Hold(0.3, ChainAnchor.Ankle);
            _timeline.MoveTo(KeepHip(ExerciseCatalogue.Neutral(Posture.Standing, _person)), 2.0 * _person.SpeedFactor, ChainAnchor.Ankle);
        }
        else if (target == Posture.Supine)
        {
            _timeline.MoveTo(KeepHip(ExerciseCatalogue.Neutral(Posture.Supine, _person)), 4.0 * _person.SpeedFactor, ChainAnchor.Hip);
        }

        _posture = target;
    }

    /// <summary>A set of reps of one exercise.</summary>
    public void Set(ExerciseDefinition exercise, ActivityPlan plan)
    {
        TransitionTo(exercise.Posture);
        var segmentStart = TimeS;
        var start = KeepHip(ExerciseCatalogue.Start(exercise, _person).WithFlatFootResolved());
        var peak = KeepHip(ExerciseCatalogue.Peak(exercise, _person, _body).WithFlatFootResolved());
        _timeline.MoveTo(start, 1.0, exercise.RestAnchor);
        _timeline.Hold(Uniform(0.5, 1.5), exercise.RestAnchor);

        for (var rep = 0; rep < plan.Reps; rep++)
        {
            var faults = ChooseFaults(plan, rep);
            var fatigue = plan.Reps > 1 ? _person.Fatigue * rep / (plan.Reps - 1) : 0;
            var speed = _person.SpeedFactor * (1 + (1.5 * fatigue)) * Uniform(0.92, 1.08);
            var reach = _person.RomFactor * (1 - fatigue) * Uniform(0.95, 1.0);
            double up = exercise.UpS * speed, hold = exercise.HoldS * speed, down = exercise.DownS * speed;
            var pause = exercise.PauseS * _person.PauseFactor * Uniform(0.8, 1.2);
            if (exercise.Id == ExerciseIds.Marching)
            {
                pause = (up + hold + down) * Uniform(0.9, 1.1); // the other leg's lift
            }

            if (faults.Contains(FormFlagIds.PartialRange))
            {
                reach *= Uniform(0.4, 0.6);
            }

            if (faults.Contains(FormFlagIds.TooFast))
            {
                var f = Uniform(0.4, 0.55);
                up = Math.Max(up * f, MinMoveS);
                down = Math.Max(down * f, MinMoveS);
                hold *= 0.2;
            }

            var stall = 0.0;
            if (faults.Contains(FormFlagIds.UnevenTempo))
            {
                var (fast, slow) = (Uniform(0.35, 0.5), Uniform(1.8, 2.5));
                if (_random.Next(2) == 0)
                {
                    (up, down) = (Math.Max(up * fast, MinMoveS), down * slow);
                }
                else
                {
                    (up, down) = (up * slow, Math.Max(down * fast, MinMoveS));
                }

                stall = Uniform(0.4, 0.8);
            }

            var top = JointPose.Lerp(start, peak, reach);
            if (faults.Contains(FormFlagIds.Unstable))
            {
                var closedChain = exercise.MoveAnchor != ChainAnchor.Hip || exercise.Id == ExerciseIds.StepUp;
                top = top with { WobbleDeg = Uniform(4, 8), CollapseDeg = closedChain ? Uniform(5, 10) : Uniform(0, 3) };
            }
            else
            {
                top = top with { WobbleDeg = 0, CollapseDeg = 0 };
            }

            var hesitate = _random.NextDouble() < _person.HesitationProbability;
            var repStart = TimeS;
            if (exercise.Id == ExerciseIds.StepUp)
            {
                StepUp(start, reach, top.WobbleDeg, top.CollapseDeg, up, hold, down);
            }
            else
            {
                MoveWithPauses(start, top, up, exercise.MoveAnchor, hesitate ? Uniform(0.15, 0.3) : 0, stall > 0 && up > down ? stall : 0);
                _timeline.Hold(hold, exercise.MoveAnchor);
                MoveWithPauses(top, start, down, exercise.MoveAnchor, 0, stall > 0 && down >= up ? stall : 0);
            }

            Reps.Add(new RepWindow(exercise, repStart, TimeS, faults));
            _timeline.Hold(pause, exercise.RestAnchor);
        }

        Segments.Add((exercise.Id, segmentStart, TimeS));
    }

    /// <summary>Moves from a to b; a hesitation or stall stops the limb partway for a moment.</summary>
    private void MoveWithPauses(JointPose a, JointPose b, double durationS, ChainAnchor anchor, double hesitationS, double stallS)
    {
        var pauseS = Math.Max(hesitationS, stallS);
        if (pauseS <= 0)
        {
            _timeline.MoveTo(b, durationS, anchor);
            return;
        }

        var at = Uniform(0.35, 0.65);
        var mid = JointPose.Lerp(a, b, at);
        _timeline.MoveTo(mid, durationS * at, anchor);
        _timeline.Hold(pauseS, anchor);
        _timeline.MoveTo(b, durationS * (1 - at), anchor);
    }

    private void StepUp(JointPose standing, double reach, double wobbleDeg, double collapseDeg, double up, double hold, double down)
    {
        // Foot lifted onto the step (open chain), then the body rises over the planted foot (closed chain).
        var lifted = KeepHip(new JointPose(0, 50 * reach, 70 * reach, double.NaN).WithFlatFootResolved());
        var onStep = standing with { BodyPitchDeg = -5, WobbleDeg = wobbleDeg, CollapseDeg = collapseDeg };
        var lowering = KeepHip(new JointPose(-5, 45 * reach, 64 * reach, double.NaN).WithFlatFootResolved());
        _timeline.MoveTo(lifted, up, ChainAnchor.Hip);
        _timeline.Hold(0.1, ChainAnchor.Ankle);
        _timeline.MoveTo(onStep, 1.2 * up, ChainAnchor.Ankle);
        _timeline.Hold(hold, ChainAnchor.Ankle);
        _timeline.MoveTo(lowering, down, ChainAnchor.Ankle);
        _timeline.Hold(0.1, ChainAnchor.Hip);
        _timeline.MoveTo(standing, 0.7 * down, ChainAnchor.Hip);
    }

    /// <summary>Level walking for about <paramref name="durationS"/>: gait keyframes, hip travelling forward.</summary>
    public void Walk(double durationS)
    {
        TransitionTo(Posture.Standing);
        var segmentStart = TimeS;
        var table = ExerciseCatalogue.GaitTable;
        const int columns = 5;
        var rows = table.Length / columns;
        var x = _timeline.Pose.HipXM;
        var z0 = _timeline.Pose.HipZM;
        var first = new JointPose(0, table[1], table[2], table[3], 0, 0, x, z0 + table[4]);
        _timeline.MoveTo(first, 0.8, ChainAnchor.Ankle);
        _timeline.Hold(0.05, ChainAnchor.Hip);

        var strides = Math.Max(1, (int)Math.Round(durationS / _person.StrideTimeS));
        var previousPhaseTime = TimeS;
        for (var s = 0; s < strides; s++)
        {
            var strideS = _person.StrideTimeS * Uniform(0.97, 1.03);
            // Speed up over the first two strides and slow over the last, as people do.
            var speedFactor = s == 0 || s == strides - 1 ? 0.5 : s == 1 || s == strides - 2 ? 0.85 : 1.0;
            var speed = _person.WalkingSpeedMps * speedFactor;
            var strideStart = previousPhaseTime;
            HeelStrikes.Add((strideStart, true));
            HeelStrikes.Add((strideStart + (0.5 * strideS), false));
            for (var r = 1; r <= rows; r++)
            {
                var row = r % rows;
                var phase = r == rows ? 1.0 : table[row * columns];
                var t = strideStart + (phase * strideS);
                var pose = new JointPose(0, table[(row * columns) + 1], table[(row * columns) + 2], table[(row * columns) + 3], 0, 0,
                    x + (speed * (t - strideStart)), z0 + table[(row * columns) + 4]);
                _timeline.MoveTo(pose, t - TimeS, ChainAnchor.Hip);
            }

            x += speed * strideS;
            previousPhaseTime = TimeS;
        }

        HeelStrikes.Add((TimeS, true));
        _timeline.MoveTo(KeepHip(ExerciseCatalogue.Neutral(Posture.Standing, _person)) with { HipZM = z0 }, 0.8, ChainAnchor.Hip);
        _timeline.Hold(0.05, ChainAnchor.Ankle);
        Segments.Add((ExerciseIds.Walking, segmentStart, TimeS));
    }

    private IReadOnlyList<string> ChooseFaults(ActivityPlan plan, int rep)
    {
        if (plan.ForcedFaults is { } forced && rep < forced.Count)
        {
            return forced[rep];
        }

        var rates = plan.Faults ?? FaultRates.None;
        var faults = new List<string>();
        if (_random.NextDouble() < rates.PartialRange)
        {
            faults.Add(FormFlagIds.PartialRange);
        }

        if (_random.NextDouble() < rates.TooFast)
        {
            faults.Add(FormFlagIds.TooFast);
        }

        if (_random.NextDouble() < rates.Unstable)
        {
            faults.Add(FormFlagIds.Unstable);
        }

        if (!faults.Contains(FormFlagIds.TooFast) && _random.NextDouble() < rates.UnevenTempo)
        {
            faults.Add(FormFlagIds.UnevenTempo);
        }

        return faults;
    }
}

internal sealed record RepWindow(ExerciseDefinition Exercise, double StartS, double EndS, IReadOnlyList<string> Faults);
