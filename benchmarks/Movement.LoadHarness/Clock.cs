namespace Movement.LoadHarness;

/// <summary>Wall-clock microseconds, the unit of sample timestamps, from one TimeProvider.</summary>
public static class Clock
{
    public static TimeProvider Time { get; } = TimeProvider.System;

    public static long NowUs() => (Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
