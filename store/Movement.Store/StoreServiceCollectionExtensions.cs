using Microsoft.Extensions.DependencyInjection;
using Movement.Messaging;
using Movement.Store.Sqlite;

namespace Movement.Store;

public static class StoreServiceCollectionExtensions
{
    public const string MqttOptionsName = "recorder";

    /// <summary>The activity store (reads for the dashboard) without the recorder.</summary>
    public static IServiceCollection AddActivityStore(this IServiceCollection services)
    {
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IActivityStore, SqliteActivityStore>();
        return services;
    }

    /// <summary>The store and the recorder that fills it from the broker.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddActivityStore();
        services.AddMqttConnectionOptions(MqttOptionsName, StoreOptions.SectionName);
        services.AddMetrics();
        services.AddHostedService<RecorderService>();
        return services;
    }
}
