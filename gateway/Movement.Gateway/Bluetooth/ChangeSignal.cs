namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Wakes everyone waiting when something changed (a slot freed, a device seen, a claim heard); they re-check. Take
/// <see cref="Next"/> before checking, then wait on it, so a change between the check and the wait is not missed.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes when <paramref name="next"/> does, or after <paramref name="recheck"/> (claims also lapse with time).</summary>
    public static async Task WaitAsync(Task next, TimeSpan recheck, TimeProvider time, CancellationToken cancellationToken)
    {
        await Task.WhenAny(next, Task.Delay(recheck, time, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
