using System.Globalization;

namespace Movement.LoadHarness;

public enum BrokerKind
{
    /// <summary>MQTTnet hosted in this process via AddMovementBroker (the single-box default).</summary>
    Embedded,

    /// <summary>Debian's mosquitto started privately on a free loopback port.</summary>
    Mosquitto,
}

/// <summary>Command line of the harness. Parsed by hand: a handful of flags, each with a clear error.</summary>
public sealed record HarnessOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/Movement.LoadHarness -- [options]
          --sensors N               simulated 100 Hz sensors (default 100)
          --sweep N1,N2,...         run each sensor count in turn and report the largest that passes
          --duration 60s            publishing time per phase (s, m suffixes; default 60s)
          --warmup 10s              start of each phase left out of latency, throughput and CPU (default 10s)
          --broker embedded|mosquitto   broker under test (default embedded)
          --sensors-per-gateway 10  sensors sharing one gateway connection (default 10)
          --broker-queue N          messages queued per subscriber: the embedded broker's, or with --central mosquitto's
                                    max_queued_messages (default: the broker's own; the test mosquitto's 100000)
          --no-raw                  skip the raw-broker baseline phase
          --no-store                pipeline without the store (to see what the store costs)

        Central path (issue 17): simulated sites -> central mosquitto -> recorder (own process) -> influxd
          --central                 run the central path instead of the single-box pipeline
          --sites N1,N2,...         site counts, run in turn (default 10)
          --participants N          participants live at once per site (default 10)
          --broker-inflight N       central mosquitto's max_inflight_messages (default: the test mosquitto's 100)
          --outbox-batch N          central recorder's Movement:Store:Outbox:BatchSize, records per InfluxDB write (default: the store's 500)
          --duration, --warmup      as above
        """;

    public IReadOnlyList<int> SensorCounts { get; init; } = [100];

    public bool Sweep { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    public BrokerKind Broker { get; init; } = BrokerKind.Embedded;

    public int SensorsPerGateway { get; init; } = 10;

    public bool RawBaseline { get; init; } = true;

    /// <summary>Register AddStore in the pipeline (off only to split the store's cost from the classifier's).</summary>
    public bool Store { get; init; } = true;

    /// <summary>Overrides Movement:Broker:MaxPendingMessagesPerClient (e.g. 250, MQTTnet's own default, to compare).</summary>
    public int? BrokerQueue { get; init; }

    /// <summary>Run the central path (many sites into one central broker, recorder and InfluxDB) instead of the pipeline.</summary>
    public bool Central { get; init; }

    public IReadOnlyList<int> SiteCounts { get; init; } = [10];

    public int ParticipantsPerSite { get; init; } = 10;

    /// <summary>Central mosquitto's max_inflight_messages (QoS 1 messages sent to a subscriber and not yet acknowledged).</summary>
    public int? BrokerInflight { get; init; }

    /// <summary>The central recorder's Movement:Store:Outbox:BatchSize (records per store write).</summary>
    public int? OutboxBatch { get; init; }

    public static bool TryParse(IReadOnlyList<string> args, out HarnessOptions options, out string? error)
    {
        options = new HarnessOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--no-raw" or "--no-store" or "--central")
            {
                options = name switch
                {
                    "--no-raw" => options with { RawBaseline = false },
                    "--no-store" => options with { Store = false },
                    _ => options with { Central = true },
                };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--sensors" when TryCount(value, out var n):
                    options = options with { SensorCounts = [n], Sweep = false };
                    break;
                case "--sweep" or "--sites":
                    if (!TryCounts(value, out var counts))
                    {
                        error = $"{name} needs counts from 1 to 5000, e.g. {name} 50,100,200, not '{value}'";
                        return false;
                    }

                    options = name == "--sweep" ? options with { SensorCounts = counts, Sweep = true } : options with { SiteCounts = counts };
                    break;
                case "--broker-inflight" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var inflight) && inflight >= 1:
                    options = options with { BrokerInflight = inflight };
                    break;
                case "--outbox-batch" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var batch) && batch is >= 1 and <= 50_000:
                    options = options with { OutboxBatch = batch };
                    break;
                case "--participants" when TryCount(value, out var participants) && participants <= 99:
                    options = options with { ParticipantsPerSite = participants };
                    break;
                case "--duration" when TryDuration(value, out var duration) && duration >= TimeSpan.FromSeconds(5):
                    options = options with { Duration = duration };
                    break;
                case "--warmup" when TryDuration(value, out var warmup):
                    options = options with { Warmup = warmup };
                    break;
                case "--broker" when Enum.TryParse<BrokerKind>(value, ignoreCase: true, out var broker) && Enum.IsDefined(broker):
                    options = options with { Broker = broker };
                    break;
                case "--sensors-per-gateway" when TryCount(value, out var perGateway):
                    options = options with { SensorsPerGateway = perGateway };
                    break;
                case "--broker-queue" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var queue) && queue >= 1:
                    options = options with { BrokerQueue = queue };
                    break;
                case "--sensors" or "--duration" or "--warmup" or "--broker" or "--sensors-per-gateway" or "--broker-queue" or "--participants" or "--broker-inflight" or "--outbox-batch":
                    error = $"{name}: '{value}' is not valid (see --help)";
                    return false;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        if (options.Warmup >= options.Duration)
        {
            error = $"--warmup {options.Warmup.TotalSeconds}s must be shorter than --duration {options.Duration.TotalSeconds}s";
            return false;
        }

        return true;
    }

    private static bool TryCounts(string value, out List<int> counts)
    {
        counts = [];
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryCount(part, out var count))
            {
                return false;
            }

            counts.Add(count);
        }

        return counts.Count > 0;
    }

    private static bool TryCount(string value, out int count) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= 5000;

    /// <summary>"60", "60s", "2m".</summary>
    private static bool TryDuration(string value, out TimeSpan duration)
    {
        duration = default;
        var (number, scale) = value switch
        {
            _ when value.EndsWith('m') => (value[..^1], 60.0),
            _ when value.EndsWith('s') => (value[..^1], 1.0),
            _ => (value, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds * scale > 24 * 3600)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds * scale);
        return true;
    }
}
