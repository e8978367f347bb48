using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Movement.Store;
using Movement.Store.Steps;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// Reads a Gadgetbridge database or an Apple Health export.xml into steps per local day and device, for the page to
/// preview before anything is stored (docs/step-import.md). Memory stays bounded whatever the file's size: the
/// readers stream, samples are staged in a scratch SQLite file on disk (sorted there, so one device's overlapping
/// samples can count once), and only the per-day totals are held. A file with anything implausible in it is refused
/// whole, with a message naming the first fault; days before the participant's first step day are left out.
/// </summary>
public sealed partial class StepImporter(IOptions<StepImportOptions> options, IOptions<StoreOptions> storeOptions, TimeProvider time, ILogger<StepImporter> logger)
{
    /// <summary>Step counts before this are taken as a device clock never set, not as history.</summary>
    public static readonly DateTimeOffset EarliestPlausible = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A folder for an upload and the scratch database (created if missing).</summary>
    public string TempDirectory
    {
        get
        {
            var folder = options.Value.TempDirectory is { Length: > 0 } configured ? configured : Path.GetTempPath();
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>A new file name in <see cref="TempDirectory"/>.</summary>
    public string NewTempPath(string purpose) => Path.Combine(TempDirectory, $"movement-{purpose}-{Guid.NewGuid():N}.tmp");

    /// <summary>Reads the file at <paramref name="path"/>; throws <see cref="StepImportException"/> with what was wrong.</summary>
    public Task<StepImportPreview> ReadAsync(string path, DateOnly firstDay, CancellationToken cancellationToken) =>
        Task.Run(() => Read(path, firstDay, cancellationToken), cancellationToken);

    private StepImportPreview Read(string path, DateOnly firstDay, CancellationToken cancellationToken)
    {
        var format = Detect(path);
        var sources = new ImportedSources();
        var zone = storeOptions.Value.GetTimeZone();
        var staging = NewTempPath("import");
        try
        {
            long samples;
            using (var scratch = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = staging, Pooling = false }.ToString()))
            {
                scratch.Open();
                if (format == StepImportFormat.Gadgetbridge)
                {
                    samples = Stage(scratch, GadgetbridgeReader.Read(path, sources, cancellationToken));
                }
                else
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    samples = Stage(scratch, AppleHealthReader.Read(file, sources, cancellationToken));
                }

                if (samples == 0)
                {
                    throw new StepImportException(format == StepImportFormat.Gadgetbridge
                        ? "The database has activity samples but no steps in them."
                        : $"The export has no step counts (no Record of type {AppleHealthReader.StepCountType} with steps).");
                }

                var preview = Days(scratch, format, sources, zone, firstDay, samples, cancellationToken);
                LogRead(logger, format, samples, preview.Days.Count, preview.Sources.Count);
                return preview;
            }
        }
        catch (StepImportException)
        {
            LogRefused(logger, format);
            throw;
        }
        finally
        {
            File.Delete(staging);
        }
    }

    /// <summary>Which reader, from the file's first bytes (not its name: Gadgetbridge's export has no extension).</summary>
    private static string Detect(string path)
    {
        Span<byte> header = stackalloc byte[64];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        header = header[..read];
        return read == 0 ? throw new StepImportException("The file is empty.")
            : GadgetbridgeReader.LooksLikeSqlite(header) ? StepImportFormat.Gadgetbridge
            : AppleHealthReader.LooksLikeXml(header) ? StepImportFormat.AppleHealth
            : header.StartsWith("PK\u0003\u0004"u8) ? throw new StepImportException("This is a zip archive: unzip it first, then choose apple_health_export/export.xml (Apple Health) or the database file named Gadgetbridge.")
            : throw new StepImportException("This file is neither a SQLite database (Gadgetbridge's export) nor XML (Apple Health's export.xml).");
    }

    /// <summary>Checks each sample and writes it to the scratch database in one transaction; returns how many.</summary>
    private long Stage(SqliteConnection scratch, IEnumerable<ImportedSample> samples)
    {
        Execute(scratch, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE samples (source INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, steps INTEGER NOT NULL)");
        var now = time.GetUtcNow();
        var maxPerMinute = options.Value.MaxStepsPerMinute;
        long count = 0;
        using (var transaction = scratch.BeginTransaction())
        {
            using var insert = scratch.CreateCommand();
            insert.CommandText = "INSERT INTO samples VALUES ($source, $start, $end, $steps)";
            var (source, start, end, steps) = (insert.Parameters.Add("$source", SqliteType.Integer), insert.Parameters.Add("$start", SqliteType.Integer),
                insert.Parameters.Add("$end", SqliteType.Integer), insert.Parameters.Add("$steps", SqliteType.Integer));
            insert.Prepare();
            foreach (var sample in samples)
            {
                Check(sample, now, maxPerMinute);
                (source.Value, start.Value, end.Value, steps.Value) = (sample.SourceIndex, sample.Start.UtcTicks, sample.End.UtcTicks, sample.Steps);
                insert.ExecuteNonQuery();
                count++;
            }

            transaction.Commit();
        }

        Execute(scratch, "CREATE INDEX samples_by_source ON samples (source, start)");
        return count;
    }

    /// <summary>One sample's plausibility: its interval, its date, its count and its rate.</summary>
    internal static void Check(ImportedSample sample, DateTimeOffset now, int maxStepsPerMinute)
    {
        if (sample.End <= sample.Start)
        {
            throw new StepImportException($"{sample.Where}: the end ({sample.End:yyyy-MM-dd HH:mm:ss zzz}) is not after the start.");
        }

        if (sample.Start < EarliestPlausible)
        {
            throw new StepImportException($"{sample.Where}: {sample.Start:yyyy-MM-dd} is before 2000; the device's clock was probably never set.");
        }

        if (sample.End > now)
        {
            throw new StepImportException($"{sample.Where}: {sample.End:yyyy-MM-dd HH:mm zzz} is in the future.");
        }

        if (sample.End - sample.Start > StepReports.MaxInterval)
        {
            throw new StepImportException($"{sample.Where}: the interval is longer than 24 hours.");
        }

        if (sample.Steps > StepReports.MaxStepsPerDay)
        {
            throw new StepImportException($"{sample.Where}: {sample.Steps:N0} steps in one record is more than {StepReports.MaxStepsPerDay:N0}, a day's plausible most.");
        }

        // Short records are judged over a whole minute, so a few steps in a second are not a "rate" of hundreds.
        var minutes = Math.Max(1.0, (sample.End - sample.Start).TotalMinutes);
        if (sample.Steps > maxStepsPerMinute * minutes)
        {
            throw new StepImportException($"{sample.Where}: {sample.Steps:N0} steps in {(sample.End - sample.Start).TotalMinutes:0.#} min is over {maxStepsPerMinute} a minute, faster than anyone walks or runs.");
        }
    }

    /// <summary>Per device, its samples in time order; overlapping ones count once (the largest), then each is split over local days by time.</summary>
    private static StepImportPreview Days(SqliteConnection scratch, string format, ImportedSources sources, TimeZoneInfo zone, DateOnly firstDay, long samples,
        CancellationToken cancellationToken)
    {
        var days = new List<ImportedDay>();
        var earlier = new HashSet<DateOnly>();
        for (var source = 0; source < sources.All.Count; source++)
        {
            var perDay = new Dictionary<DateOnly, long>();
            foreach (var kept in ReportedSteps.LargestOfSortedOverlaps(Sorted(scratch, source, cancellationToken)))
            {
                DailyStepCalculator.Spread(kept.Steps, new DateTimeOffset(kept.Start, TimeSpan.Zero), new DateTimeOffset(kept.End, TimeSpan.Zero), zone, perDay);
            }

            foreach (var (date, steps) in perDay.OrderBy(d => d.Key))
            {
                if (steps > StepReports.MaxStepsPerDay)
                {
                    throw new StepImportException($"{sources.All[source].Name} counted {steps:N0} steps on {date:yyyy-MM-dd}: more than {StepReports.MaxStepsPerDay:N0} in a day is not plausible.");
                }

                if (date < firstDay)
                {
                    earlier.Add(date);
                }
                else if (steps > 0)
                {
                    days.Add(new ImportedDay(date, source, steps));
                }
            }
        }

        return new StepImportPreview(format, sources.All, days, samples, earlier.Count, firstDay);
    }

    private static IEnumerable<(long Start, long End, long Steps)> Sorted(SqliteConnection scratch, int source, CancellationToken cancellationToken)
    {
        using var command = scratch.CreateCommand();
        command.CommandText = "SELECT start, end, steps FROM samples WHERE source = $source ORDER BY start";
        command.Parameters.AddWithValue("$source", source);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Counts and the format only: no participant, source names or values.
    [LoggerMessage(Level = LogLevel.Information, Message = "Step import read a {Format} file: {Samples} samples, {Days} device-days from {Sources} sources")]
    private static partial void LogRead(ILogger logger, string format, long samples, int days, int sources);

    [LoggerMessage(Level = LogLevel.Information, Message = "Step import refused a {Format} file (the page shows why)")]
    private static partial void LogRefused(ILogger logger, string format);
}

public static class StepImportServices
{
    public static IServiceCollection AddStepImport(this IServiceCollection services)
    {
        services.AddOptions<StepImportOptions>().BindConfiguration(StepImportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StepImporter>();
        return services;
    }
}
