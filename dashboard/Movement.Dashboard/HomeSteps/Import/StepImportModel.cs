using System.ComponentModel.DataAnnotations;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// A device named in an imported file (a Gadgetbridge device, an Apple Health source such as "Jo's iPhone"): one
/// source of reported steps, as a device token is. Its days are stored as <see cref="ReportedStepInterval"/>s.
/// </summary>
public sealed class StepImportSource
{
    public int Id { get; set; }
    public required string ParticipantId { get; set; }

    /// <summary><see cref="StepImportFormat.Gadgetbridge"/> or <see cref="StepImportFormat.AppleHealth"/>.</summary>
    public required string Format { get; set; }

    /// <summary>What identifies the device in its file: Gadgetbridge's DEVICE.IDENTIFIER, Apple Health's sourceName.</summary>
    public required string SourceKey { get; set; }

    /// <summary>What the page shows.</summary>
    public required string Name { get; set; }

    public DateTimeOffset FirstImportedAt { get; set; }
    public DateTimeOffset LastImportedAt { get; set; }
}

public static class StepImportFormat
{
    public const string Gadgetbridge = "gadgetbridge";
    public const string AppleHealth = "apple-health";

    public static string Describe(string format) => format == Gadgetbridge ? "Gadgetbridge" : "Apple Health";
}

/// <summary>File import on the participant page (docs/step-import.md).</summary>
public sealed class StepImportOptions
{
    public const string SectionName = "Movement:Dashboard:StepImport";

    /// <summary>The largest file taken. Apple Health's export.xml of a few years is hundreds of MB; it is streamed to disk, not held in memory.</summary>
    [Range(1_024, 4_000_000_000)]
    public long MaxFileBytes { get; set; } = 1_000_000_000;

    /// <summary>Where uploads and the import's scratch database go while a file is read (default: the system's temp folder).</summary>
    public string? TempDirectory { get; set; }

    /// <summary>Faster than this, a sample is taken as wrong rather than as a brisk walk or a run (about 180 a minute).</summary>
    [Range(60, 1_000)]
    public int MaxStepsPerMinute { get; set; } = 250;
}

/// <summary>Steps counted by one device of a file over [<see cref="Start"/>, <see cref="End"/>); <see cref="Where"/> says where in the file, for messages.</summary>
public readonly record struct ImportedSample(int SourceIndex, DateTimeOffset Start, DateTimeOffset End, long Steps, string Where);

/// <summary>A device named in a file, before it is matched to a <see cref="StepImportSource"/>.</summary>
public sealed record ImportedSourceName(string Key, string Name);

/// <summary>A file that cannot be imported, with what was wrong in words (and where, when it is one row or line).</summary>
public sealed class StepImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What a file holds once read: steps per local day and device, ready to be confirmed (nothing is stored yet).</summary>
public sealed record StepImportPreview(
    string Format,
    IReadOnlyList<ImportedSourceName> Sources,
    IReadOnlyList<ImportedDay> Days,
    long Samples,
    int DaysBeforeFirstDay,
    DateOnly FirstDay);

/// <summary>One device's steps on one local day of the file.</summary>
public sealed record ImportedDay(DateOnly Date, int SourceIndex, long Steps);

/// <summary>What confirming an import did: days stored for the first time, days whose count changed, days already stored as they are.</summary>
public sealed record StepImportResult(int Added, int Changed, int Unchanged);
