using System.Collections.Concurrent;

namespace Movement.Classifier;

/// <summary>
/// When each site's last sample batch arrived and whether its session is running, as the classifier saw them: the
/// health check's "is anything still flowing" (a running session whose sensors all went quiet is a problem the
/// supervisor should hear of). Thread-safe; a batch costs a dictionary lookup and a write, no allocation.
/// </summary>
public sealed class SampleFlow(TimeProvider time)
{
    private const long None = long.MinValue;
    private readonly ConcurrentDictionary<string, SiteFlow> _sites = new(StringComparer.Ordinal);

    /// <summary>A session message for <paramref name="site"/>; a session becoming active starts its sample clock.</summary>
    public void ObserveSession(string site, bool active)
    {
        var flow = Site(site);
        lock (flow)
        {
            if (!active)
            {
                flow.ActiveSinceTicks = None;
            }
            else if (flow.ActiveSinceTicks == None)
            {
                flow.ActiveSinceTicks = time.GetUtcNow().UtcTicks;
            }
        }
    }

    /// <summary>
    /// A decoded sample batch for <paramref name="site"/>. Kept only for sites that have had a session message, so made-up
    /// site ids in sample topics cost nothing.
    /// </summary>
    public void ObserveSamples(string site)
    {
        if (_sites.TryGetValue(site, out var flow))
        {
            Volatile.Write(ref flow.LastSampleTicks, time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>
    /// Sites with a running session and how long since their last sample (or since the session started, when none
    /// came since), longest first.
    /// </summary>
    public IReadOnlyList<(string Site, TimeSpan SampleAge)> RunningSessions()
    {
        var now = time.GetUtcNow().UtcTicks;
        var running = new List<(string, TimeSpan)>();
        foreach (var (site, flow) in _sites)
        {
            long since;
            lock (flow)
            {
                since = flow.ActiveSinceTicks;
            }

            if (since != None)
            {
                running.Add((site, TimeSpan.FromTicks(now - Math.Max(since, Volatile.Read(ref flow.LastSampleTicks)))));
            }
        }

        return [.. running.OrderByDescending(s => s.Item2)];
    }

    private SiteFlow Site(string site) => _sites.GetOrAdd(site, _ => new SiteFlow());

    private sealed class SiteFlow
    {
        public long ActiveSinceTicks = None;
        public long LastSampleTicks = None;
    }
}
