using Microsoft.Extensions.DependencyInjection;
using Movement.Gateway.Publishing;
using Movement.Gateway.Simulation;
using Movement.Messaging;

namespace Movement.Gateway;

public static class GatewayServiceCollectionExtensions
{
    public const string MqttOptionsName = "gateway";

    /// <summary>The gateway: publisher, and the simulator when <c>Movement:Gateway:Simulator:Enabled</c>.</summary>
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMqttConnectionOptions(MqttOptionsName, GatewayOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<GatewayPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayPublisher>());
        services.AddHostedService<SimulatorService>();
        return services;
    }
}
