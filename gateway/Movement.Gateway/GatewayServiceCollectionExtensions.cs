using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Movement.Gateway.Bluetooth;
using Movement.Gateway.Publishing;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sessions;
using Movement.Messaging;

namespace Movement.Gateway;

public static class GatewayServiceCollectionExtensions
{
    public const string MqttOptionsName = "gateway";

    /// <summary>
    /// The gateway: durable publisher, sensor hub, and BLE through BlueZ when <c>Movement:Gateway:Bluetooth:Enabled</c>.
    /// The simulator is a separate project (<c>AddGatewaySimulator</c>, gateway/Movement.Gateway.Simulation).
    /// </summary>
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations()
            // A home hub's account may publish availability only as gateway {username}: say so at start, not as a refused publish.
            .Validate<IOptionsMonitor<MqttConnectionOptions>>((o, mqtt) => !o.HomeHub || mqtt.Get(MqttOptionsName).Username == o.GatewayId,
                $"A home hub's GatewayId is its broker username: set {GatewayOptions.SectionName}:GatewayId and {GatewayOptions.SectionName}:Mqtt:Username to the same id (docs/home-hub.md).")
            .ValidateOnStart();
        services.AddOptions<OutgoingQueueOptions>().BindConfiguration(OutgoingQueueOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SensorRegistryOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BluetoothOptions>().BindConfiguration(BluetoothOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMqttConnectionOptions(MqttOptionsName, GatewayOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<SessionRoster>();
        services.AddSingleton(sp =>
        {
            var bluetooth = sp.GetRequiredService<IOptions<BluetoothOptions>>().Value;
            return new SensorClaims(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayId, bluetooth.ClaimTtl,
                bluetooth.ClaimRefreshInterval, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<SensorRegistry>();
        services.AddSingleton<GatewayPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayPublisher>());
        services.AddSingleton<SensorHub>();
        services.AddHostedService(sp => sp.GetRequiredService<SensorHub>());
        services.AddHostedService<BleGatewayService>();
        return services;
    }
}
