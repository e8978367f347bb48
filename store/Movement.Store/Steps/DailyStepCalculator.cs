namespace Movement.Store.Steps;

/// <summary>A cumulative counter reading of one sensor.</summary>
public readonly record struct CounterReading(DateTimeOffset Time, long StepsTotal);

/// <summary>From <see cref="From"/> on, the sensor is worn by <see cref="Participant"/> (null: nobody).</summary>
public readonly record struct SensorAssignment(DateTimeOffset From, string? Participant);

/// <summary>
/// Turns cumulative step counters into steps per local day (the rules, documented in docs/storage.md):
/// <list type="bullet">
/// <item>Between two consecutive readings of a sensor the increment is the difference; when the counter went down
/// the device restarted, and the increment is the new total (steps since the restart).</item>
/// <item>An increment belongs to a participant only if the sensor is assigned to them at both readings (a hand-over
/// inside the interval leaves it unattributed). The first reading of a sensor is only a baseline.</item>
/// <item>An increment is spread over its interval in proportion to elapsed (real) time, so an interval across local
/// midnight — a gap while out of range, or a daylight-saving night of 23 or 25 hours — splits by the hours on each
/// side. Rounding uses largest remainders, so the day totals add up exactly to the increments.</item>
/// <item>Sensors of one participant worn one after another add up; while several count at the same time, only the one that
/// counted the most counts (<see cref="CountedOnce"/>). A manual entry for a day stands for the whole day, and the day's
/// total is the larger of the device and manual figures.</item>
/// </list>
/// </summary>
public static class DailyStepCalculator
{
    /// <summary>UTC instant where the local day <paramref name="date"/> begins (after a skipped midnight, the first valid local time).</summary>
    public static DateTimeOffset DayStartUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    public static DateOnly LocalDate(DateTimeOffset time, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, zone).DateTime);

    /// <param name="readings">Per sensor, its readings (any order) covering the range plus one before and one after it.</param>
    /// <param name="assignments">Per sensor, its assignment history (any order).</param>
    /// <param name="manual">Manual day totals by date.</param>
    public static IReadOnlyList<DailySteps> Compute(
        string participant,
        IReadOnlyDictionary<string, IReadOnlyList<CounterReading>> readings,
        IReadOnlyDictionary<string, IReadOnlyList<SensorAssignment>> assignments,
        IReadOnlyDictionary<DateOnly, long> manual,
        DateOnly from,
        DateOnly to,
        TimeZoneInfo zone)
    {
        var increments = new List<(string Sensor, DateTimeOffset Start, DateTimeOffset End, long Steps)>();
        foreach (var (sensor, sensorReadings) in readings)
        {
            var history = assignments.TryGetValue(sensor, out var a) ? a.OrderBy(x => x.From).ToArray() : [];
            var ordered = sensorReadings.OrderBy(r => r.Time).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                var (previous, current) = (ordered[i - 1], ordered[i]);
                if (current.Time <= previous.Time
                    || ParticipantAt(history, previous.Time) != participant
                    || ParticipantAt(history, current.Time) != participant)
                {
                    continue;
                }

                var increment = current.StepsTotal >= previous.StepsTotal ? current.StepsTotal - previous.StepsTotal : current.StepsTotal;
                if (increment > 0)
                {
                    increments.Add((sensor, previous.Time, current.Time, increment));
                }
            }
        }

        var device = new Dictionary<DateOnly, long>();
        foreach (var counted in CountedOnce(increments))
        {
            Spread(counted.Steps, counted.Start, counted.End, zone, device);
        }

        var days = new List<DailySteps>();
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            days.Add(new DailySteps(date, device.GetValueOrDefault(date), manual.TryGetValue(date, out var m) ? m : null));
        }

        return days;
    }

    /// <summary>
    /// Sensors worn one after another add up, but two worn at the same time (a thigh and a shank sensor in class, or
    /// a home counter kept on during class) count the same steps. Increments that overlap in time across sensors form
    /// a cluster, and in a cluster only the sensor that counted the most is kept.
    /// </summary>
    private static IEnumerable<(string Sensor, DateTimeOffset Start, DateTimeOffset End, long Steps)> CountedOnce(
        List<(string Sensor, DateTimeOffset Start, DateTimeOffset End, long Steps)> increments)
    {
        increments.Sort((a, b) => a.Start.CompareTo(b.Start));
        var cluster = new List<(string Sensor, DateTimeOffset Start, DateTimeOffset End, long Steps)>();
        var clusterEnd = DateTimeOffset.MinValue;
        foreach (var increment in increments.Append((Sensor: "", Start: DateTimeOffset.MaxValue, End: DateTimeOffset.MaxValue, Steps: 0L)))
        {
            if (cluster.Count > 0 && increment.Start >= clusterEnd)
            {
                var kept = cluster.GroupBy(c => c.Sensor, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Sum(c => c.Steps)).ThenBy(g => g.Key, StringComparer.Ordinal).First();
                foreach (var c in kept)
                {
                    yield return c;
                }

                cluster.Clear();
            }

            cluster.Add(increment);
            clusterEnd = cluster.Count == 1 || increment.End > clusterEnd ? increment.End : clusterEnd;
        }
    }

    private static string? ParticipantAt(SensorAssignment[] history, DateTimeOffset time)
    {
        string? participant = null;
        foreach (var assignment in history)
        {
            if (assignment.From > time)
            {
                break;
            }

            participant = assignment.Participant;
        }

        return participant;
    }

    /// <summary>Spreads <paramref name="steps"/> over [start, end) by the time falling on each local day.</summary>
    public static void Spread(long steps, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone, Dictionary<DateOnly, long> into)
    {
        var pieces = new List<(DateOnly Date, long Ticks)>();
        var date = LocalDate(start, zone);
        var cursor = start;
        while (cursor < end)
        {
            var next = DayStartUtc(date.AddDays(1), zone);
            var pieceEnd = next < end ? next : end;
            if (pieceEnd > cursor)
            {
                pieces.Add((date, (pieceEnd - cursor).Ticks));
            }

            cursor = pieceEnd;
            date = date.AddDays(1);
        }

        var totalTicks = (Int128)(end - start).Ticks;
        var shares = new long[pieces.Count];
        var remainders = new Int128[pieces.Count];
        long assigned = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            var exact = steps * (Int128)pieces[i].Ticks;
            shares[i] = (long)(exact / totalTicks);
            remainders[i] = exact % totalTicks;
            assigned += shares[i];
        }

        // Largest remainders get the leftover steps; ties go to the earlier day.
        foreach (var i in Enumerable.Range(0, pieces.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(steps - assigned)))
        {
            shares[i]++;
        }

        for (var i = 0; i < pieces.Count; i++)
        {
            into[pieces[i].Date] = into.GetValueOrDefault(pieces[i].Date) + shares[i];
        }
    }
}
