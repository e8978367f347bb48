namespace Movement.LoadHarness;

/// <summary>How the rep events received compare with the repetitions the simulated participants did.</summary>
/// <param name="Expected">Reps that ended before the sensor's last published sample: each must produce an event.</param>
/// <param name="Matched">Expected reps with an event overlapping them in time.</param>
/// <param name="Unexpected">Events overlapping no planned rep, or a second event for a rep already matched.</param>
public readonly record struct EventAccounting(int Expected, int Matched, int Unexpected)
{
    public int Lost => Expected - Matched;

    /// <summary>
    /// Matches events to the motion plans by time overlap (the classifier's event ids are its own business).
    /// A rep ending within a second after the last sample may or may not have been detected: it is neither
    /// expected nor unexpected.
    /// </summary>
    public static EventAccounting Compare(IReadOnlyList<SimulatedSensor> sensors, IReadOnlyList<ReceivedRep> received)
    {
        int expected = 0, matched = 0, unexpected = 0;
        var bySensor = received.ToLookup(r => r.SensorIndex);
        foreach (var sensor in sensors)
        {
            var plan = sensor.Motion.Plan
                .Select(p => (StartUs: sensor.OriginUs + (long)(p.StartS * 1e6), EndUs: sensor.OriginUs + (long)(p.EndS * 1e6)))
                .Where(p => p.StartUs < sensor.LastSampleUs)
                .ToArray();
            var taken = new bool[plan.Length];
            foreach (var rep in bySensor[sensor.Index])
            {
                var hit = Array.FindIndex(plan, p => rep.StartUs < p.EndUs && rep.EndUs > p.StartUs);
                if (hit < 0 || taken[hit])
                {
                    unexpected++;
                    continue;
                }

                taken[hit] = true;
                if (plan[hit].EndUs <= sensor.LastSampleUs)
                {
                    matched++;
                }
            }

            expected += plan.Count(p => p.EndUs <= sensor.LastSampleUs);
        }

        return new EventAccounting(expected, matched, unexpected);
    }
}
