using Movement.Protocol;

namespace Movement.Store;

/// <summary>Where recorded activity lives. Writes are idempotent: the same event id or reading twice is stored once.</summary>
public interface IActivityStore
{
    Task WriteEventAsync(MovementEvent movementEvent, CancellationToken cancellationToken);

    Task WriteStepReadingAsync(string site, StepReading reading, CancellationToken cancellationToken);

    Task<IReadOnlyList<RepEvent>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
