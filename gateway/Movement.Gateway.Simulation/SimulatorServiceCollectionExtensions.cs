using Microsoft.Extensions.DependencyInjection;

namespace Movement.Gateway.Simulation;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Simulated sensors on the gateway's hub, when <c>Movement:Gateway:Simulator:Enabled</c>: call after
    /// <see cref="GatewayServiceCollectionExtensions.AddGateway"/>.
    /// </summary>
    public static IServiceCollection AddGatewaySimulator(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<SimulatorService>();
        return services;
    }
}
