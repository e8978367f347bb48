using Movement.Classifier;
using Movement.Dashboard.Components;
using Movement.Dashboard.Live;
using Movement.Gateway;
using Movement.Messaging;
using Movement.Store;

namespace Movement.Dashboard;

public static class MovementSystemExtensions
{
    public const string MqttOptionsName = "dashboard";

    /// <summary>
    /// The single-box composition: embedded broker (if enabled), then whichever of gateway, classifier and
    /// store <c>Movement:Components</c> selects, then the dashboard. They still talk only through MQTT.
    /// </summary>
    public static WebApplicationBuilder AddMovementSystem(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var components = builder.Configuration.GetSection(ComponentsOptions.SectionName).Get<ComponentsOptions>() ?? new ComponentsOptions();
        services.AddMovementBroker();
        if (components.Gateway)
        {
            services.AddGateway();
        }

        if (components.Classifier)
        {
            services.AddClassifier();
        }

        if (components.Store)
        {
            services.AddStore();
        }
        else
        {
            services.AddActivityStore();
        }

        services.AddDashboard();
        return builder;
    }

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMqttConnectionOptions(MqttOptionsName, DashboardOptions.SectionName);
        services.AddSingleton<LiveGroupState>();
        services.AddHostedService<LiveFeedService>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }

    public static WebApplication UseMovementDashboard(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
