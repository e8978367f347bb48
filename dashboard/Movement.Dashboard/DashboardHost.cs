namespace Movement.Dashboard;

/// <summary>Builds the single-box host; <c>Program</c> runs it and tests start it in-process with overrides.</summary>
public static class DashboardHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, WebApplicationOptions? options = null)
    {
        var builder = WebApplication.CreateBuilder(options ?? new WebApplicationOptions { Args = args });
        configure?.Invoke(builder);

        // Run from build output (the README's `dotnet run`), the framework's and packages' static web assets
        // (blazor.web.js, and the compressed copies of wwwroot) are found through the build's manifest, which the
        // host reads only in Development unless asked. A published app has them in wwwroot and no manifest: no-op.
        builder.WebHost.UseStaticWebAssets();
        builder.AddMovementSystem();
        var app = builder.Build();
        app.UseMovementDashboard();
        return app;
    }
}
