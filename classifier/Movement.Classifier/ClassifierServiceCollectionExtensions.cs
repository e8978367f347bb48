using Microsoft.Extensions.DependencyInjection;
using Movement.Messaging;

namespace Movement.Classifier;

public static class ClassifierServiceCollectionExtensions
{
    public const string MqttOptionsName = "classifier";

    public static IServiceCollection AddClassifier(this IServiceCollection services)
    {
        services.AddOptions<ClassifierOptions>().BindConfiguration(ClassifierOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMqttConnectionOptions(MqttOptionsName, ClassifierOptions.SectionName);
        services.AddMetrics();
        services.AddHostedService<ClassifierService>();
        return services;
    }
}
