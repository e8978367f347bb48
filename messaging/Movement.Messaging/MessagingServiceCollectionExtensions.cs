using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Movement.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>Hosts the embedded broker when <c>Movement:Broker:Enabled</c> is true. Register it before the clients.</summary>
    public static IServiceCollection AddMovementBroker(this IServiceCollection services)
    {
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<EmbeddedBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        return services;
    }

    /// <summary>
    /// Named connection options for a component: <c>Movement:Mqtt</c> overlaid by <c>{componentSection}:Mqtt</c>,
    /// so all components share the broker address and each has its own credentials.
    /// </summary>
    public static IServiceCollection AddMqttConnectionOptions(this IServiceCollection services, string name, string componentSection)
    {
        services.TryAddSingletonTimeProvider();
        if (!services.Any(d => d.ServiceType == typeof(MqttConnectionRegistry)))
        {
            services.AddSingleton<MqttConnectionRegistry>();
        }

        services.AddOptions<MqttConnectionOptions>(name)
            .BindConfiguration(MqttConnectionOptions.SectionName)
            .BindConfiguration($"{componentSection}:Mqtt")
            .ValidateDataAnnotations()
            // Every broker a deployment runs authenticates its clients: without credentials a host would connect
            // anonymously (e.g. started where its appsettings.json is not found) and fail later, or be let in.
            .Validate(o => !string.IsNullOrEmpty(o.Username) && !string.IsNullOrEmpty(o.Password),
                $"MQTT credentials missing: set {componentSection}:Mqtt:Username and {componentSection}:Mqtt:Password (or {MqttConnectionOptions.SectionName}:Username/Password)")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttConnectionOptions>, UntrustedCertificatesOnlyInDevelopment>());
        return services;
    }

    public static MqttConnection CreateMqttConnection(this IServiceProvider services, string optionsName, MqttConnectionSetup setup)
    {
        var options = services.GetRequiredService<IOptionsMonitor<MqttConnectionOptions>>().Get(optionsName);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger($"Movement.Mqtt.{setup.ClientName}");
        var connection = new MqttConnection(options, setup, logger, services.GetRequiredService<TimeProvider>(),
            services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        services.GetService<MqttConnectionRegistry>()?.Add(connection);
        return connection;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>
/// <see cref="MqttConnectionOptions.AllowUntrustedCertificates"/> turns off the check of who the broker is: a test-rig
/// switch, refused at start when the host runs outside the Development environment.
/// </summary>
internal sealed class UntrustedCertificatesOnlyInDevelopment(IServiceProvider services) : IValidateOptions<MqttConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttConnectionOptions options) =>
        options.AllowUntrustedCertificates && services.GetService<IHostEnvironment>() is { } environment && !environment.IsDevelopment()
            ? ValidateOptionsResult.Fail($"AllowUntrustedCertificates is for test rigs (the Development environment), not {environment.EnvironmentName}: give the broker's CA in CaCertificateFile instead.")
            : ValidateOptionsResult.Success;
}
