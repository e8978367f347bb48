using System.ComponentModel.DataAnnotations;

namespace Movement.Store;

public enum StoreBackend
{
    Sqlite,
    InfluxDb,
}

/// <summary>Bound from <c>Movement:Store</c>.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string SectionName = "Movement:Store";

    /// <summary>Site to record, or "+" for every site on the broker.</summary>
    [Required]
    public string Site { get; set; } = "+";

    /// <summary>Where activity is stored: the embedded SQLite file (default) or an InfluxDB server.</summary>
    public StoreBackend Backend { get; set; } = StoreBackend.Sqlite;

    [Required]
    public string SqlitePath { get; set; } = "data/movement.db";

    /// <summary>The durable queue between the recorder and the store (a SQLite file).</summary>
    [Required]
    public string OutboxPath { get; set; } = "data/outbox.db";

    /// <summary>IANA time zone whose local days the daily step totals use.</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>
    /// Also record the raw IMU sample batches (off by default). For re-training the classifier, and only with the
    /// participants' consent: raw movement data is far more revealing and far larger than the events.
    /// </summary>
    public bool RecordRawSamples { get; set; }

    public InfluxDbOptions InfluxDb { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public TimeZoneInfo GetTimeZone() => System.TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Movement:Store:TimeZone '{TimeZone}' is not a known IANA time zone (e.g. Europe/London).", [nameof(TimeZone)]);
        }

        if (Backend == StoreBackend.InfluxDb)
        {
            foreach (var result in InfluxDb.Validate())
            {
                yield return result;
            }
        }

        foreach (var result in Outbox.Validate())
        {
            yield return result;
        }
    }
}

/// <summary>
/// Bound from <c>Movement:Store:InfluxDb</c>. Writes go to <c>/api/v2/write</c> (InfluxDB 1.8+, 2.x, 3.x); reads are
/// InfluxQL over <c>/query</c>. For InfluxDB 1.x use Database (+ RetentionPolicy) and leave Org empty; for 2.x/3.x
/// set Token and Org, and Database/RetentionPolicy to the bucket's DBRP mapping (or Bucket to override the write bucket).
/// </summary>
public sealed class InfluxDbOptions
{
    public Uri? Url { get; set; }

    /// <summary>API token (2.x/3.x) or "user:password" (1.x with auth). Never logged.</summary>
    public string? Token { get; set; }

    public string? Org { get; set; }

    public string Database { get; set; } = "movement";

    public string? RetentionPolicy { get; set; }

    /// <summary>Write bucket; by default "Database/RetentionPolicy" (or just Database), as 1.8+ maps it.</summary>
    public string? Bucket { get; set; }

    /// <summary>Points per write request.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Per request; above 0 and at most <see cref="MaxTimeout"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Create the database on start (InfluxDB 1.x only; off when the server manages buckets).</summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>InfluxDB 1.8+ ignores the org of a v2 write, but the client requires one: "-" as in its own 1.x constructor.</summary>
    public string WriteOrg => string.IsNullOrEmpty(Org) ? "-" : Org;

    public string WriteBucket => Bucket ?? (string.IsNullOrEmpty(RetentionPolicy) ? Database : $"{Database}/{RetentionPolicy}");

    internal IEnumerable<ValidationResult> Validate()
    {
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult($"Movement:Store:InfluxDb:Url must be an absolute http(s) URL, not '{Url}'.", [nameof(Url)]);
        }

        if (!IsName(Database))
        {
            yield return new ValidationResult($"Movement:Store:InfluxDb:Database must be 1-64 of A-Z, a-z, 0-9, '_', '-', '.', not '{Database}'.", [nameof(Database)]);
        }

        if (RetentionPolicy is { Length: > 0 } rp && !IsName(rp))
        {
            yield return new ValidationResult($"Movement:Store:InfluxDb:RetentionPolicy must be 1-64 of A-Z, a-z, 0-9, '_', '-', '.', not '{rp}'.", [nameof(RetentionPolicy)]);
        }

        if (Bucket is not null && string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("Movement:Store:InfluxDb:Bucket must not be blank when set.", [nameof(Bucket)]);
        }

        if (BatchSize is < 1 or > 50_000)
        {
            yield return new ValidationResult($"Movement:Store:InfluxDb:BatchSize must be 1..50000, not {BatchSize}.", [nameof(BatchSize)]);
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout)
        {
            yield return new ValidationResult($"Movement:Store:InfluxDb:Timeout must be above 0 and at most {MaxTimeout}, not {Timeout}.", [nameof(Timeout)]);
        }
    }

    // Names go into InfluxQL and URLs; keeping them plain avoids quoting problems.
    private static bool IsName(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>Safe to log: the token is redacted.</summary>
    public override string ToString() =>
        $"InfluxDB {Url} bucket '{WriteBucket}' org '{Org ?? ""}' token {(string.IsNullOrEmpty(Token) ? "(none)" : "(redacted)")}";
}

/// <summary>Bound from <c>Movement:Store:Outbox</c>: how the outbox drains into the store.</summary>
public sealed class OutboxOptions
{
    /// <summary>Records per store write.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>First wait after a failed write; grows (exponential, with jitter) up to <see cref="RetryDelayMax"/>.</summary>
    public TimeSpan RetryDelayMin { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between retries: at least <see cref="RetryDelayMin"/>, at most an hour.</summary>
    public TimeSpan RetryDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (BatchSize is < 1 or > 50_000)
        {
            yield return new ValidationResult($"Movement:Store:Outbox:BatchSize must be 1..50000, not {BatchSize}.", [nameof(BatchSize)]);
        }

        if (RetryDelayMin < MinRetryDelay || RetryDelayMin > RetryDelayMax)
        {
            yield return new ValidationResult($"Movement:Store:Outbox:RetryDelayMin must be at least {MinRetryDelay} and not above RetryDelayMax, not {RetryDelayMin}.", [nameof(RetryDelayMin)]);
        }

        if (RetryDelayMax > MaxRetryDelay)
        {
            yield return new ValidationResult($"Movement:Store:Outbox:RetryDelayMax must be at most {MaxRetryDelay}, not {RetryDelayMax}.", [nameof(RetryDelayMax)]);
        }
    }
}
