using Polly;
using Polly.Retry;

namespace Movement.Messaging;

/// <summary>
/// The one way Movement retries: exponential back-off with jitter between a minimum and a maximum delay, for as
/// long as the caller's token allows (Polly retry). Jitter keeps components that lost the same broker, bus or store
/// from coming back in lock-step. Cancellation of the caller's token is never retried.
/// </summary>
public static class Backoff
{
    /// <summary>
    /// A pipeline that retries exceptions <paramref name="shouldRetry"/> accepts, first after about
    /// <paramref name="delayMin"/>, growing to at most <paramref name="delayMax"/>. Each call to ExecuteAsync starts
    /// again from the minimum, so a caller resets the back-off by starting a new execution after a success.
    /// </summary>
    /// <param name="onRetry">Runs before each wait with the failure and the delay chosen (for logging and counting).</param>
    public static ResiliencePipeline Forever(TimeSpan delayMin, TimeSpan delayMax, TimeProvider time,
        Func<Exception, bool> shouldRetry, Action<Exception, TimeSpan>? onRetry = null)
    {
        if (delayMin <= TimeSpan.Zero || delayMax < delayMin)
        {
            throw new ArgumentOutOfRangeException(nameof(delayMin), $"back-off needs 0 < min <= max (min {delayMin}, max {delayMax})");
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex
                    && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)
                    && shouldRetry(ex)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = delayMin,
                MaxDelay = delayMax,
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Outcome.Exception!, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }
}
