using Movement.Protocol;

namespace Movement.LoadHarness.Central;

/// <summary>
/// What a site's bridge delivers to the central broker, built with the protocol's own types and encoders: the
/// retained session state, rep events, a set summary after every tenth rep, and step readings. Participant and
/// sensor ids are pseudonyms (p-01, s-01), as on a real site.
/// </summary>
public static class SiteMessages
{
    public const int RepsPerSet = 10;
    public const string StationId = "st-1";

    public static string ParticipantId(int index) => $"p-{index + 1:D2}";

    public static string SensorId(int index) => $"s-{index + 1:D2}";

    /// <summary>Event ids unique across sites (the accounting matches on them).</summary>
    public static string RepId(string site, int participant, int repCount) => $"{site}-{ParticipantId(participant)}-r{repCount}";

    public static string SetId(string site, int participant, int setNumber) => $"{site}-{ParticipantId(participant)}-set{setNumber}";

    /// <summary>Every participant wearing one shank sensor at a knee-extension station.</summary>
    public static (string Topic, byte[] Payload) Session(string site, string sessionId, int participants, DateTimeOffset startedAt)
    {
        var state = new SessionState
        {
            SessionId = sessionId,
            Active = true,
            Time = startedAt,
            Roster = [.. Enumerable.Range(0, participants).Select(i => new RosterEntry(ParticipantId(i), SensorId(i), Placement.Shank, Side.Right, StationId))],
            Stations = [new StationPlan(StationId, ExerciseIds.KneeExtension, TargetReps: RepsPerSet)],
        };
        return (Topics.Session(site), ProtocolJson.Encode(state));
    }

    /// <summary>The <paramref name="repCount"/>-th rep (from 1) of a participant, ending at <paramref name="endedAt"/>.</summary>
    public static (string Topic, byte[] Payload, RepEvent Rep) Rep(string site, string sessionId, int participant, int repCount, DateTimeOffset endedAt, double durationS, double romDeg)
    {
        var rep = new RepEvent
        {
            Id = RepId(site, participant, repCount),
            Site = site,
            Participant = ParticipantId(participant),
            Sensor = SensorId(participant),
            Session = sessionId,
            Time = endedAt,
            StartTime = endedAt - TimeSpan.FromSeconds(durationS),
            Exercise = ExerciseIds.KneeExtension,
            SetNumber = (repCount - 1) / RepsPerSet + 1,
            RepNumber = (repCount - 1) % RepsPerSet + 1,
            DurationS = durationS,
            RomDeg = romDeg,
            PeakAngularVelocityDps = romDeg / durationS * 2,
            Smoothness = 0.9,
            SwayDeg = 2,
            TargetReps = RepsPerSet,
            RomKind = RomKind.Shank,
        };
        return (Topics.ParticipantEvent(site, rep.Participant, rep.EventType), ProtocolJson.Encode((MovementEvent)rep), rep);
    }

    /// <summary>The summary of a participant's set <paramref name="setNumber"/>, at the time of its last rep.</summary>
    public static (string Topic, byte[] Payload, SetSummaryEvent Set) SetSummary(string site, string sessionId, int participant, int setNumber, DateTimeOffset endedAt, double meanRomDeg, double meanDurationS)
    {
        var set = new SetSummaryEvent
        {
            Id = SetId(site, participant, setNumber),
            Site = site,
            Participant = ParticipantId(participant),
            Sensor = SensorId(participant),
            Session = sessionId,
            Time = endedAt,
            Exercise = ExerciseIds.KneeExtension,
            SetNumber = setNumber,
            Reps = RepsPerSet,
            TargetReps = RepsPerSet,
            MeanRomDeg = meanRomDeg,
            MeanDurationS = meanDurationS,
            RomKind = RomKind.Shank,
        };
        return (Topics.ParticipantEvent(site, set.Participant, set.EventType), ProtocolJson.Encode((MovementEvent)set), set);
    }

    public static (string Topic, byte[] Payload) Steps(string site, int participant, DateTimeOffset time, long stepsTotal)
    {
        var reading = new StepReading { Sensor = SensorId(participant), Time = time, StepsTotal = stepsTotal };
        return (Topics.SensorSteps(site, reading.Sensor), ProtocolJson.Encode(reading));
    }
}
