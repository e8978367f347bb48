using System.Collections.Concurrent;

namespace Movement.Classifier;

/// <summary>
/// When each site's last sample batch arrived and whether its session is running, as the classifier saw them: the
/// health check's "is anything still flowing" (a running session whose sensors all went quiet is a problem the
/// supervisor should hear of). Thread-safe.
/// </summary>
public sealed class SampleFlow(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SiteFlow> _sites = new(StringComparer.Ordinal);

    /// <summary>A session message for <paramref name="site"/>; a session becoming active starts its sample clock.</summary>
    public void ObserveSession(string site, bool active)
    {
        var now = time.GetUtcNow();
        _sites.AddOrUpdate(site, _ => new SiteFlow(active, active ? now : null, null),
            (_, flow) => flow with { SessionActive = active, ActiveSince = active ? flow.ActiveSince ?? now : null });
    }

    /// <summary>A decoded sample batch for <paramref name="site"/>.</summary>
    public void ObserveSamples(string site)
    {
        var now = time.GetUtcNow();
        _sites.AddOrUpdate(site, _ => new SiteFlow(false, null, now), (_, flow) => flow with { LastSampleAt = now });
    }

    /// <summary>
    /// Sites with a running session and how long since their last sample (or since the session started, when none
    /// came since), longest first.
    /// </summary>
    public IReadOnlyList<(string Site, TimeSpan SampleAge)> RunningSessions()
    {
        var now = time.GetUtcNow();
        return [.. _sites
            .Where(s => s.Value.SessionActive)
            .Select(s => (s.Key, now - Max(s.Value.ActiveSince!.Value, s.Value.LastSampleAt)))
            .OrderByDescending(s => s.Item2)];
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v > a ? v : a;

    private sealed record SiteFlow(bool SessionActive, DateTimeOffset? ActiveSince, DateTimeOffset? LastSampleAt);
}
