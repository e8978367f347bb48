namespace Movement.Dashboard;

/// <summary>Builds the single-box host; <c>Program</c> runs it and tests start it in-process with overrides.</summary>
public static class DashboardHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, WebApplicationOptions? options = null)
    {
        var builder = WebApplication.CreateBuilder(options ?? new WebApplicationOptions { Args = args });
        configure?.Invoke(builder);
        builder.AddMovementSystem();
        var app = builder.Build();
        app.UseMovementDashboard();
        return app;
    }
}
