using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.Store.InfluxDb;
using Movement.Store.Sqlite;

namespace Movement.Store.Tests;

public sealed class StoreOptionsTests
{
    private static List<ValidationResult> Validate(StoreOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_Defaults_SqliteInLondonIsValid()
    {
        var options = new StoreOptions();

        Assert.Empty(Validate(options));
        Assert.Equal((StoreBackend.Sqlite, "Europe/London"), (options.Backend, options.GetTimeZone().Id));
    }

    [Fact]
    public void Validate_UnknownTimeZone_SaysWhichSetting()
    {
        var error = Assert.Single(Validate(new StoreOptions { TimeZone = "Mars/Olympus_Mons" }));

        Assert.Contains("Movement:Store:TimeZone 'Mars/Olympus_Mons'", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "movement", "Url")]
    [InlineData("ftp://db.example/", "movement", "Url")]
    [InlineData("http://127.0.0.1:8086/", "", "Database")]
    [InlineData("http://127.0.0.1:8086/", "a/b", "Database")]
    [InlineData("http://127.0.0.1:8086/", "move\"ment", "Database")]
    public void Validate_InfluxDbBackendWithBadSettings_Rejected(string? url, string database, string member)
    {
        var options = new StoreOptions
        {
            Backend = StoreBackend.InfluxDb,
            InfluxDb = new InfluxDbOptions { Url = url is null ? null : new Uri(url), Database = database },
        };

        var error = Assert.Single(Validate(options));

        Assert.Equal([member], error.MemberNames);
        Assert.Contains($"Movement:Store:InfluxDb:{member}", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void Validate_InfluxDbTimeoutOutOfRange_Rejected(string timeout)
    {
        var options = new StoreOptions
        {
            Backend = StoreBackend.InfluxDb,
            InfluxDb = new InfluxDbOptions { Url = new Uri("http://127.0.0.1:8086/"), Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var error = Assert.Single(Validate(options));

        Assert.Equal([nameof(InfluxDbOptions.Timeout)], error.MemberNames);
    }

    [Theory]
    [InlineData("00:00:00", "00:00:30", "RetryDelayMin")]
    [InlineData("00:00:00.005", "00:00:30", "RetryDelayMin")]
    [InlineData("00:01:00", "00:00:30", "RetryDelayMin")]
    [InlineData("00:00:00.200", "01:00:01", "RetryDelayMax")]
    public void Validate_OutboxRetryDelaysOutOfRange_RejectedNamingTheSetting(string min, string max, string member)
    {
        var options = new StoreOptions
        {
            Outbox = new OutboxOptions
            {
                RetryDelayMin = TimeSpan.Parse(min, System.Globalization.CultureInfo.InvariantCulture),
                RetryDelayMax = TimeSpan.Parse(max, System.Globalization.CultureInfo.InvariantCulture),
            },
        };

        var error = Assert.Single(Validate(options));

        Assert.Equal([member], error.MemberNames);
        Assert.Contains($"Movement:Store:Outbox:{member}", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_WithToken_NeverShowsIt()
    {
        var options = new InfluxDbOptions { Url = new Uri("https://influx.example:8086/"), Token = "s3cr3t-t0ken", Org = "nhs", Database = "movement", RetentionPolicy = "autogen" };

        var text = options.ToString();

        Assert.DoesNotContain("s3cr3t-t0ken", text, StringComparison.Ordinal);
        Assert.Contains("(redacted)", text, StringComparison.Ordinal);
        Assert.Contains("movement/autogen", text, StringComparison.Ordinal);
    }

    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddActivityStore();
        return builder.Build().Services;
    }

    [Fact]
    public void AddActivityStore_BackendSetting_PicksTheBackend()
    {
        var directory = Directory.CreateTempSubdirectory("movement-options-").FullName;
        try
        {
            var sqlite = Build(new() { ["Movement:Store:SqlitePath"] = Path.Combine(directory, "a.db") });
            var influx = Build(new()
            {
                ["Movement:Store:Backend"] = "InfluxDb",
                ["Movement:Store:InfluxDb:Url"] = "http://127.0.0.1:1/",
                ["Movement:Store:InfluxDb:Database"] = "movement",
            });

            Assert.IsType<SqliteActivityStore>(sqlite.GetRequiredService<IActivityStore>());
            using var store = Assert.IsType<InfluxDbActivityStore>(influx.GetRequiredService<IActivityStore>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AddActivityStore_InfluxDbWithoutUrl_FailsValidationNamingTheSetting()
    {
        var services = Build(new() { ["Movement:Store:Backend"] = "InfluxDb" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StoreOptions>>().Value);

        Assert.Contains("Movement:Store:InfluxDb:Url", error.Message, StringComparison.Ordinal);
    }
}
