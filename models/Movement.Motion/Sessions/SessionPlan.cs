using Movement.Protocol;

namespace Movement.Motion.Sessions;

/// <summary>Per-rep probabilities of each form fault (0..1).</summary>
public sealed record FaultRates(double PartialRange = 0, double TooFast = 0, double Unstable = 0, double UnevenTempo = 0)
{
    public static FaultRates None { get; } = new();

    /// <summary>A typical class: most reps correct, each fault now and then.</summary>
    public static FaultRates Typical { get; } = new(0.08, 0.06, 0.05, 0.05);
}

/// <summary>
/// One station of a session: a set of <see cref="Reps"/> repetitions of <see cref="Exercise"/>, or
/// <see cref="DurationS"/> seconds of walking/rest, followed by <see cref="RestAfterS"/> seconds of rest.
/// </summary>
/// <param name="Exercise">An id from <see cref="ExerciseIds"/>.</param>
/// <param name="ForcedFaults">Optional faults per rep (index = rep); overrides <see cref="Faults"/> for those reps.</param>
/// <param name="StartAtS">On a timed plan: the activity starts no earlier than this session time (the person rests until then).</param>
/// <param name="EndByS">On a timed plan: the set is left out when, at the person's pace, it would not be over by this session time.</param>
public sealed record ActivityPlan(
    string Exercise,
    int Reps = 10,
    double DurationS = 60,
    double RestAfterS = 30,
    FaultRates? Faults = null,
    IReadOnlyList<IReadOnlyList<string>>? ForcedFaults = null,
    double? StartAtS = null,
    double? EndByS = null);

/// <summary>One station of a class circuit as a participant meets it: its exercise and the reps of each set.</summary>
public sealed record CircuitStation(string Exercise, int Reps);

/// <summary>What a simulated participant does, in order.</summary>
public sealed record SessionPlan(IReadOnlyList<ActivityPlan> Activities)
{
    /// <summary>The posture the person is in when the session starts (default: the first activity's).</summary>
    public Posture? StartPosture { get; init; }

    /// <summary>Most sets a participant does at one station of a timed circuit.</summary>
    public const int MaxSetsPerStation = 3;

    /// <summary>
    /// A participant's part of a timed class circuit (the supervisor's plan): from station <paramref name="firstStation"/>
    /// they do sets of each station's reps, resting <paramref name="minRestS"/>–<paramref name="maxRestS"/> between
    /// sets, for <paramref name="stationTimeS"/>; then walk to the next station in plan order during
    /// <paramref name="changeoverS"/>, and so on for <paramref name="rotations"/> stations. Session time 0 is
    /// <paramref name="startS"/> seconds into the station time (a person joining a circuit that is already running).
    /// As many sets as fit the station's time at the person's pace (at least one, at most <see cref="MaxSetsPerStation"/>);
    /// the person rests out the rest of it. The walk ends a few seconds before the next station's time begins, so
    /// its first set starts settled.
    /// </summary>
    public static SessionPlan TimedCircuit(
        IReadOnlyList<CircuitStation> stations, int firstStation, double stationTimeS, double changeoverS, int rotations, int seed,
        double startS = 0, FaultRates? faults = null, double minRestS = 30, double maxRestS = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stations.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rotations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(startS);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(startS, stationTimeS + changeoverS);
        var random = new Random(seed);
        double Uniform(double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
        var activities = new List<ActivityPlan>();
        var periodS = stationTimeS + changeoverS;
        for (var r = 0; r < rotations; r++)
        {
            var station = stations[(firstStation + r) % stations.Count];
            var beginS = (r * periodS) - startS;
            var endS = beginS + stationTimeS;
            for (var set = 0; set < MaxSetsPerStation && endS - StationMarginS > 0; set++)
            {
                activities.Add(new ActivityPlan(station.Exercise, station.Reps, RestAfterS: Uniform(minRestS, maxRestS), Faults: faults ?? FaultRates.Typical,
                    StartAtS: set == 0 ? Math.Max(beginS, 0) : null, EndByS: set == 0 && beginS >= 0 ? null : endS - StationMarginS));
            }

            // Everyone walks on the supervisor's signal (a moment after it), whatever set they were in.
            var walkStartS = endS + StationMarginS;
            var walkS = changeoverS - StationMarginS - ChangeoverSettleS;
            if (walkS > 0 && walkStartS + walkS > 0)
            {
                activities.Add(new ActivityPlan(ExerciseIds.Walking, DurationS: Math.Min(walkS, walkStartS + walkS), RestAfterS: 1, StartAtS: Math.Max(walkStartS, 0)));
            }
        }

        return new SessionPlan(activities) { StartPosture = startS >= stationTimeS ? Posture.Standing : null };
    }

    /// <summary>
    /// The part of a session's timed circuit (<see cref="SessionState.StationTimeS"/>) that a roster entry's wearer does
    /// from <paramref name="from"/> (session time 0 of the plan) for <paramref name="rotations"/> stations. A session
    /// without timing keeps them at their roster station, set after set. Null when the roster names no planned station.
    /// </summary>
    public static SessionPlan? ForSession(SessionState session, RosterEntry entry, DateTimeOffset from, int rotations, int seed, FaultRates? faults = null)
    {
        var first = session.Stations.ToList().FindIndex(s => s.Station == entry.Station);
        if (first < 0)
        {
            return null;
        }

        if (session.StationTimeS is not { } stationTimeS)
        {
            return TimedCircuit([new CircuitStation(session.Stations[first].Exercise, session.Stations[first].TargetReps)], 0, UntimedStationS, 0, rotations, seed, faults: faults);
        }

        var changeoverS = session.ChangeoverS ?? 0;
        var periodS = stationTimeS + changeoverS;
        var elapsedS = Math.Max((from - session.Time).TotalSeconds, 0);
        var rotation = (long)Math.Floor(elapsedS / periodS);
        var circuit = session.Stations.Select(s => new CircuitStation(s.Exercise, s.TargetReps)).ToList();
        return TimedCircuit(circuit, (int)((first + rotation) % circuit.Count), stationTimeS, changeoverS, rotations, seed, elapsedS - (rotation * periodS), faults);
    }

    /// <summary>
    /// How far a set keeps from the station's end and the walk from the signal: the sensors' clocks may be a few
    /// seconds off the plan's (±2000 ppm over a 20-minute circuit is ±2.4 s).
    /// </summary>
    public const double StationMarginS = 4;

    /// <summary>What a walk between stations leaves of the changeover to sit or stand ready for the next station.</summary>
    public const double ChangeoverSettleS = 8;

    /// <summary>Without circuit timing, a participant's sets at their one station are planned in blocks this long.</summary>
    private const double UntimedStationS = 600;

    /// <summary>Exercises of the default circuit, grouped by posture as a class would set up stations.</summary>
    public static IReadOnlyList<string> CircuitExercises { get; } =
    [
        ExerciseIds.SitToStand, ExerciseIds.KneeExtension, ExerciseIds.MiniSquat, ExerciseIds.Squat, ExerciseIds.StepUp,
        ExerciseIds.Lunge, ExerciseIds.HeelRaise, ExerciseIds.HamstringCurl, ExerciseIds.Marching,
        ExerciseIds.StraightLegRaise, ExerciseIds.HeelSlide,
    ];

    /// <summary>
    /// An ESCAPE-pain style circuit: walking warm-up, a set of each exercise with rests, walking cool-down.
    /// Reps per set and rests vary with the seed; <paramref name="rounds"/> repeats the stations (a class does 2–3).
    /// </summary>
    public static SessionPlan Circuit(int seed, FaultRates? faults = null, int minReps = 8, int maxReps = 12, double minRestS = 15, double maxRestS = 40, double walkingS = 60, int rounds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minReps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReps, minReps);
        var random = new Random(seed);
        double Uniform(double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
        var activities = new List<ActivityPlan> { new(ExerciseIds.Walking, DurationS: walkingS, RestAfterS: Uniform(minRestS, maxRestS)) };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var exercise in CircuitExercises)
            {
                activities.Add(new ActivityPlan(exercise, random.Next(minReps, maxReps + 1), RestAfterS: Uniform(minRestS, maxRestS), Faults: faults ?? FaultRates.Typical));
            }
        }

        activities.Add(new ActivityPlan(ExerciseIds.Walking, DurationS: walkingS, RestAfterS: 5));
        return new SessionPlan(activities);
    }

    /// <summary>One set of one exercise with a short rest before and after.</summary>
    public static SessionPlan SingleSet(string exercise, int reps, FaultRates? faults = null, IReadOnlyList<IReadOnlyList<string>>? forcedFaults = null) =>
        new([new ActivityPlan(exercise, reps, RestAfterS: 3, Faults: faults ?? FaultRates.None, ForcedFaults: forcedFaults)]);
}
