using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Movement.Classifier;
using Movement.Dashboard.Health;

namespace Movement.Dashboard.Tests.Health;

public sealed class SampleAgeHealthCheckTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 10, 9, 0, 0, TimeSpan.Zero));

    private static Task<HealthCheckResult> CheckAsync(IServiceProvider services) =>
        new SampleAgeHealthCheck(services, Microsoft.Extensions.Options.Options.Create(new MonitoringOptions { MaxSampleAge = TimeSpan.FromSeconds(30) }))
            .CheckHealthAsync(new HealthCheckContext());

    private (ServiceProvider Services, SampleFlow Flow) WithFlow()
    {
        var services = new ServiceCollection().AddSingleton(new SampleFlow(_time)).BuildServiceProvider();
        return (services, services.GetRequiredService<SampleFlow>());
    }

    [Fact]
    public async Task CheckHealth_RunningSessionQuietLongerThanMaxSampleAge_DegradedNamingTheSite()
    {
        var (services, flow) = WithFlow();
        using var _ = services;
        flow.ObserveSession("site-1", active: true);
        flow.ObserveSession("site-2", active: true);
        flow.ObserveSamples("site-1");
        _time.Advance(TimeSpan.FromSeconds(29));
        flow.ObserveSamples("site-2");
        _time.Advance(TimeSpan.FromSeconds(2));

        var result = await CheckAsync(services);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("site-1", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("site-2", result.Description, StringComparison.Ordinal);
        Assert.Equal(31.0, result.Data["site-1"]);
    }

    [Fact]
    public async Task CheckHealth_SamplesWithinMaxSampleAge_Healthy()
    {
        var (services, flow) = WithFlow();
        using var _ = services;
        flow.ObserveSession("site-1", active: true);
        _time.Advance(TimeSpan.FromSeconds(25));
        flow.ObserveSamples("site-1");
        _time.Advance(TimeSpan.FromSeconds(25));

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
    }

    [Fact]
    public async Task CheckHealth_QuietButNoSessionRunning_Healthy()
    {
        var (services, flow) = WithFlow();
        using var _ = services;
        flow.ObserveSession("site-1", active: false);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
    }

    [Fact]
    public async Task CheckHealth_ClassifierElsewhere_HealthySayingSo()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        var result = await CheckAsync(services);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("another process", result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:04")]
    [InlineData("02:00:00")]
    public void MonitoringOptions_MaxSampleAgeOutOfRange_Invalid(string maxSampleAge)
    {
        var options = new MonitoringOptions { MaxSampleAge = TimeSpan.Parse(maxSampleAge, System.Globalization.CultureInfo.InvariantCulture) };
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Contains(nameof(MonitoringOptions.MaxSampleAge), errors.Single().MemberNames);
    }

    [Fact]
    public void MonitoringOptions_ShortMetricsToken_Invalid()
    {
        var options = new MonitoringOptions { MetricsToken = "short" };

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
