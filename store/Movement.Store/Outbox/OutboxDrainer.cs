using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Movement.Messaging;

namespace Movement.Store.Outbox;

/// <summary>
/// Moves records from the outbox into the store, oldest first, in batches. When the store is unavailable it waits
/// (exponential back-off with jitter, <see cref="Backoff"/>, from <see cref="OutboxOptions.RetryDelayMin"/> to <see cref="OutboxOptions.RetryDelayMax"/>) and
/// retries the same batch; entries are deleted only after the store accepted them. Writes are idempotent, so a batch
/// retried after a write that did land (but whose answer was lost) is stored once.
/// </summary>
public sealed partial class OutboxDrainer : BackgroundService
{
    private readonly ActivityOutbox _outbox;
    private readonly IActivityStore _store;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long> _written;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _deadLettered;
    private long _failureCount;
    private StoreWriteOutcome? _lastWrite;

    public OutboxDrainer(ActivityOutbox outbox, IActivityStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<OutboxDrainer> logger, IMeterFactory meters)
    {
        _outbox = outbox;
        _store = store;
        _options = options.Value.Outbox;
        _time = time;
        _logger = logger;
        var meter = meters.Create("Movement.Store");
        _written = meter.CreateCounter<long>("movement.store.records_written", "{record}", "Records written from the outbox to the store");
        _failures = meter.CreateCounter<long>("movement.store.write_failures", "{failure}", "Store writes that failed and will be retried");
        _deadLettered = meter.CreateCounter<long>("movement.store.dead_lettered", "{record}", "Records the store refused, kept in the dead-letter table");
    }

    /// <summary>Failed store writes so far (each is retried after a backoff).</summary>
    public long FailureCount => Interlocked.Read(ref _failureCount);

    /// <summary>How the last store write went (null before the first): the health check's store writability.</summary>
    public StoreWriteOutcome? LastWrite => Volatile.Read(ref _lastWrite);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = Backoff.Forever(_options.RetryDelayMin, _options.RetryDelayMax, _time, _ => true, (ex, delay) =>
        {
            Interlocked.Increment(ref _failureCount);
            _failures.Add(1);
            var previous = LastWrite;
            Volatile.Write(ref _lastWrite, new StoreWriteOutcome(_time.GetUtcNow(), false, previous is { Succeeded: false } ? previous.FailingSince : _time.GetUtcNow(),
                (previous is { Succeeded: false } ? previous.ConsecutiveFailures : 0) + 1));
            LogWriteFailed(_logger, ex, delay);
        });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A new execution per drain: the back-off starts from the minimum after the store accepted a batch.
                if (await retry.ExecuteAsync(async token => await DrainAsync(token).ConfigureAwait(false), stoppingToken).ConfigureAwait(false))
                {
                    await _outbox.WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Writes batches until the outbox is empty (returns true) or a batch fails (throws; nothing of that batch is
    /// deleted). Refused records are dead-lettered one by one so they cannot block the queue.
    /// </summary>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await _outbox.PeekAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return true;
            }

            var records = batch.Where(e => e.Record is not null).Select(e => e.Record!).ToList();
            try
            {
                await _store.WriteAsync(records, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreRejectedException)
            {
                await WriteOneByOneAsync(batch, cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var broken in batch.Where(e => e.Record is null))
            {
                await DeadLetterAsync(broken.Sequence, broken.Error!, cancellationToken).ConfigureAwait(false);
            }

            await _outbox.DeleteThroughAsync(batch[^1].Sequence, cancellationToken).ConfigureAwait(false);
            _written.Add(records.Count);
            RecordAccepted();
        }
    }

    private async Task WriteOneByOneAsync(IReadOnlyList<OutboxEntry> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            if (entry.Record is null)
            {
                await DeadLetterAsync(entry.Sequence, entry.Error!, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await _store.WriteAsync([entry.Record], cancellationToken).ConfigureAwait(false);
                await _outbox.DeleteThroughAsync(entry.Sequence, cancellationToken).ConfigureAwait(false);
                _written.Add(1);
                RecordAccepted();
            }
            catch (StoreRejectedException ex)
            {
                await DeadLetterAsync(entry.Sequence, ex.Message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void RecordAccepted() => Volatile.Write(ref _lastWrite, new StoreWriteOutcome(_time.GetUtcNow(), true, null, 0));

    private async Task DeadLetterAsync(long sequence, string reason, CancellationToken cancellationToken)
    {
        await _outbox.DeadLetterAsync(sequence, reason, cancellationToken).ConfigureAwait(false);
        _deadLettered.Add(1);
        LogDeadLettered(_logger, sequence, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store write failed; records stay in the outbox, retrying in {Delay}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store refused outbox entry {Sequence}: {Reason}; moved to dead_letter")]
    private static partial void LogDeadLettered(ILogger logger, long sequence, string reason);
}

/// <summary>
/// The last store write: when, whether the store accepted it, and for a failure since when writes have been failing
/// and how many in a row (records wait in the outbox meanwhile).
/// </summary>
public sealed record StoreWriteOutcome(DateTimeOffset At, bool Succeeded, DateTimeOffset? FailingSince, long ConsecutiveFailures);
