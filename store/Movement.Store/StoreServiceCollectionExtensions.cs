using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Movement.Messaging;
using Movement.Store.InfluxDb;
using Movement.Store.Outbox;
using Movement.Store.Sqlite;

namespace Movement.Store;

public static class StoreServiceCollectionExtensions
{
    public const string MqttOptionsName = "recorder";

    /// <summary>The activity store (reads for the dashboard) without the recorder; <c>Movement:Store:Backend</c> picks SQLite or InfluxDB.</summary>
    public static IServiceCollection AddActivityStore(this IServiceCollection services)
    {
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IActivityStore>(sp => sp.GetRequiredService<IOptions<StoreOptions>>().Value.Backend switch
        {
            StoreBackend.Sqlite => ActivatorUtilities.CreateInstance<SqliteActivityStore>(sp),
            StoreBackend.InfluxDb => ActivatorUtilities.CreateInstance<InfluxDbActivityStore>(sp),
            var other => throw new InvalidOperationException($"Store backend {other} is not available."),
        });
        return services;
    }

    /// <summary>The store and the recorder that fills it from the broker.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddActivityStore();
        services.AddMqttConnectionOptions(MqttOptionsName, StoreOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<ActivityOutbox>();
        services.AddSingleton<OutboxDrainer>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDrainer>());
        services.AddHostedService<RecorderService>();
        return services;
    }
}
