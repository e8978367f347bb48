using Microsoft.Extensions.Logging.Abstractions;
using Movement.Store.InfluxDb;
using Movement.TestSupport;

namespace Movement.Store.Tests;

/// <summary>One influxd 1.6.7 behind nginx for a test class.</summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    public InfluxDbServer Server { get; private set; } = null!;

    public InfluxDbOptions Options(string database = "movement") => new()
    {
        Url = Server.Url,
        Database = database,
        RetentionPolicy = "autogen",
        Timeout = TimeSpan.FromSeconds(5),
    };

    public InfluxDbActivityStore CreateStore(TimeZoneInfo zone, string database = "movement") =>
        new(Options(database), zone, NullLogger.Instance);

    public async Task InitializeAsync() => Server = await InfluxDbServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
