using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Movement.Classifier.Recognition;
using Movement.Messaging;

namespace Movement.Classifier;

public static class ClassifierServiceCollectionExtensions
{
    public const string MqttOptionsName = "classifier";

    public static IServiceCollection AddClassifier(this IServiceCollection services)
    {
        services.AddOptions<ClassifierOptions>().BindConfiguration(ClassifierOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RecognitionOptions>().BindConfiguration(RecognitionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SampleFlow>();
        services.AddSingleton(sp => new ExerciseRecognition(sp.GetRequiredService<IOptions<RecognitionOptions>>().Value));
        services.AddMqttConnectionOptions(MqttOptionsName, ClassifierOptions.SectionName);
        services.AddMetrics();
        services.AddHostedService<ClassifierService>();
        return services;
    }
}
