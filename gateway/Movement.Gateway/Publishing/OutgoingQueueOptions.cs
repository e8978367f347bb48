using System.ComponentModel.DataAnnotations;

namespace Movement.Gateway.Publishing;

public enum QueueFullPolicy
{
    /// <summary>Discard the oldest queued segment to make room (keeps the live picture current).</summary>
    DropOldest,

    /// <summary>Refuse new messages while full (keeps the start of an outage complete).</summary>
    DropNewest,
}

/// <summary>Bound from <c>Movement:Gateway:Queue</c>: the on-disk store-and-forward queue.</summary>
public sealed class OutgoingQueueOptions
{
    public const string SectionName = "Movement:Gateway:Queue";

    /// <summary>Folder of the segment files; relative paths are relative to the working directory.</summary>
    [Required]
    public string Directory { get; set; } = "data/gateway-queue";

    /// <summary>Bound on the bytes held on disk (all segments).</summary>
    [Range(64L * 1024, 1L << 40)]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    [Range(4L * 1024, 1L << 30)]
    public long SegmentBytes { get; set; } = 4L * 1024 * 1024;

    public QueueFullPolicy FullPolicy { get; set; } = QueueFullPolicy.DropOldest;

    /// <summary>
    /// How often appended records are forced to the device (fsync). Every append is written to the OS at once, so a
    /// gateway crash loses nothing; a power cut may lose up to this interval. Zero: fsync every append.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FsyncInterval { get; set; } = TimeSpan.FromSeconds(1);
}
