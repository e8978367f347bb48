using System.Diagnostics;

namespace Movement.TestSupport;

/// <summary>Polling a real server for a state it reaches on its own time (no signal to wait on from outside the process).</summary>
public static class Wait
{
    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="interval"/> (20 ms unless given) until it holds; throws
    /// with <paramref name="what"/> after <paramref name="timeout"/> (30 s unless given).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Action? betweenPolls = null, TimeSpan? interval = null)
    {
        var elapsed = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (elapsed.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            betweenPolls?.Invoke();
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }
}
