using Movement.Motion.Kinematics;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>
/// One participant performing a <see cref="SessionPlan"/>: the leg's motion over the whole session and its
/// ground truth. Build with <see cref="Create"/>; attach sensors with <see cref="OpenSensor"/> (streaming) or
/// <see cref="Record"/> (all at once). Same plan, person and seed give identical motion and samples.
/// </summary>
public sealed class SimulatedSession
{
    private SimulatedSession(ParticipantProfile participant, SessionPlan plan, int seed, LegKinematics leg,
        IReadOnlyList<HeelStrike> heelStrikes, RecordingTruth truth)
    {
        Participant = participant;
        Plan = plan;
        Seed = seed;
        Leg = leg;
        HeelStrikes = heelStrikes;
        Truth = truth;
    }

    public ParticipantProfile Participant { get; }

    public SessionPlan Plan { get; }

    public int Seed { get; }

    /// <summary>Forward kinematics of the instrumented leg (<see cref="ParticipantProfile.Side"/>).</summary>
    public LegKinematics Leg { get; }

    public IReadOnlyList<HeelStrike> HeelStrikes { get; }

    /// <summary>Ground truth on the session's time axis (seconds from the start).</summary>
    public RecordingTruth Truth { get; }

    public double DurationS => Leg.EndTimeS;

    public static SimulatedSession Create(SessionPlan plan, ParticipantProfile participant, int seed)
    {
        if (plan.Activities.Count == 0)
        {
            throw new ArgumentException("a session plan needs at least one activity", nameof(plan));
        }

        var random = new Random(seed);
        var firstPosture = ExerciseCatalogue.Get(plan.Activities[0].Exercise).Posture;
        var builder = new SessionBuilder(participant, random, plan.StartPosture ?? firstPosture);
        builder.Rest(random.NextDouble() * 2 + 3, firstPosture);
        double? restBeforeS = null; // the rest after the last activity done, taken before the next one
        ExerciseDefinition? last = null;
        foreach (var activity in plan.Activities)
        {
            var exercise = ExerciseCatalogue.Get(activity.Exercise);
            // On a timed plan the next start is the supervisor's signal: rest until it, however long the nominal rest.
            var restS = activity.StartAtS is { } startAt ? Math.Max(startAt - builder.TimeS, restBeforeS is null ? 0 : 1.0) : restBeforeS ?? 0;
            if (activity.EndByS is { } endBy && builder.TimeS + restS + EstimatedS(exercise, activity, participant) > endBy)
            {
                continue; // no time left for this set at this person's pace: they rest on
            }

            if (restBeforeS is not null || restS > 0.3)
            {
                builder.Rest(Math.Max(restS, 1.0), exercise.Posture);
            }

            switch (exercise.Id)
            {
                case ExerciseIds.Walking:
                    builder.Walk(activity.DurationS);
                    break;
                case ExerciseIds.Rest:
                    builder.Rest(activity.DurationS, exercise.Posture);
                    break;
                default:
                    builder.Set(exercise, activity);
                    break;
            }

            restBeforeS = activity.RestAfterS;
            last = exercise;
        }

        builder.Rest(Math.Max(restBeforeS ?? 0, 1.0), (last ?? ExerciseCatalogue.Get(plan.Activities[^1].Exercise)).Posture);

        var noise = new LegNoise(participant.TremorDeg, participant.TremorHz, random);
        var leg = builder.Timeline.Build(participant.Body, participant.Side, noise);
        var reps = builder.Reps.Select(r => new RepTruth(
            r.Exercise.Id,
            Math.Round(r.StartS, 3),
            Math.Round(r.EndS, 3),
            Math.Round(RangeOfMotion(leg, r), 1),
            Math.Round(r.EndS, 3) - Math.Round(r.StartS, 3),
            r.Faults)).ToList();
        var strikes = builder.HeelStrikes.Select(h => new HeelStrike(h.TimeS, h.InstrumentedLeg)).ToList();
        var truth = new RecordingTruth(
            RecordingTruth.FormatId,
            reps,
            strikes.Select(s => Math.Round(s.TimeS, 3)).ToList(),
            builder.Segments.Select(s => new SegmentTruth(s.Exercise, Math.Round(s.StartS, 3), Math.Round(s.EndS, 3))).ToList(),
            Side: participant.Side);
        return new SimulatedSession(participant, plan, seed, leg, strikes, truth);
    }

    /// <summary>
    /// A generous estimate of how long an activity takes this person (their pace, fatigue and pauses, the step-up's
    /// extra movements, the set's lead-in), for leaving out a set that would not fit a timed station.
    /// </summary>
    private static double EstimatedS(ExerciseDefinition exercise, ActivityPlan activity, ParticipantProfile person)
    {
        if (exercise.Id is ExerciseIds.Walking or ExerciseIds.Rest)
        {
            return activity.DurationS + 2;
        }

        var moveS = (exercise.UpS + exercise.HoldS + exercise.DownS) * (exercise.Id == ExerciseIds.StepUp ? 1.7 : 1.0);
        var pauseS = exercise.Id == ExerciseIds.Marching ? moveS : exercise.PauseS * person.PauseFactor;
        return 8 + (activity.Reps * ((moveS * person.SpeedFactor * (1 + person.Fatigue) * 1.1) + (pauseS * 1.2)));
    }

    /// <summary>A live sensor on this session; session time 0 is <paramref name="startUnixUs"/>.</summary>
    public ImuStream OpenSensor(SensorSpec spec, long startUnixUs = 0, int? noiseSeed = null) =>
        new(Leg, HeelStrikes, spec, startUnixUs, noiseSeed ?? DeriveSeed(Seed, spec));

    // Deterministic across processes (HashCode.Combine is randomised per process).
    private static int DeriveSeed(int seed, SensorSpec spec) =>
        unchecked((seed * 7919) + ((int)spec.Placement * 104729) + (int)Math.Round(spec.SampleRateHz * 1000));

    /// <summary>Every sample of a sensor over the whole session, with the ground truth.</summary>
    public SimulatedRecording Record(SensorSpec spec, long startUnixUs = 0, int? noiseSeed = null)
    {
        var samples = OpenSensor(spec, startUnixUs, noiseSeed).ReadToEnd().ToArray();
        return new SimulatedRecording(samples, Truth with { Placement = spec.Placement }, spec, startUnixUs);
    }

    private static double RangeOfMotion(LegKinematics leg, RepWindow rep)
    {
        double min = double.MaxValue, max = double.MinValue;
        for (var t = rep.StartS; t <= rep.EndS; t += 0.01)
        {
            var angle = rep.Exercise.PrimaryAngle(leg.AnglesAt(t));
            min = Math.Min(min, angle);
            max = Math.Max(max, angle);
        }

        return max - min;
    }
}

/// <summary>A simulated sensor's samples and the session's ground truth; writes the recording format.</summary>
public sealed record SimulatedRecording(IReadOnlyList<ImuSample> Samples, RecordingTruth Truth, SensorSpec Sensor, long StartUnixUs)
{
    /// <summary>Writes <c>path</c> (CSV) and its <c>.truth.json</c> side file.</summary>
    public void Write(string csvPath, RecordingWriteOptions? options = null)
    {
        RecordingCsv.WriteFile(csvPath, Samples, (options ?? new RecordingWriteOptions()) with { StartUnixUs = StartUnixUs });
        RecordingTruthJson.WriteFile(RecordingTruthJson.SidePath(csvPath), Truth);
    }
}
