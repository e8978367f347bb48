using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Movement.Classifier;
using Movement.Dashboard.Access;
using Movement.Dashboard.Central;
using Movement.Dashboard.Components;
using Movement.Dashboard.Data;
using Movement.Dashboard.Export;
using Movement.Dashboard.Health;
using Movement.Dashboard.HomeSteps;
using Movement.Dashboard.Live;
using Movement.Dashboard.Programme;
using Movement.Gateway;
using Movement.Gateway.Simulation;
using Movement.Messaging;
using Movement.Protocol;
using Movement.Store;
using OpenTelemetry.Metrics;

namespace Movement.Dashboard;

public static class MovementSystemExtensions
{
    public const string MqttOptionsName = "dashboard";

    /// <summary>
    /// Scripts only from this server (no inline script, no eval); styles may be inline (Blazor's reconnect dialog and
    /// style attributes); the circuit's WebSocket to this server; nothing may frame the pages from elsewhere.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

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
            services.AddGatewaySimulator();
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

        services.AddDashboard(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The demo participants wear the simulator's sensors: the same ids, from the simulator's own settings.
        services.AddOptions<SimulatedSensorIds>().BindConfiguration(SimulatedSensorIds.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMqttConnectionOptions(MqttOptionsName, DashboardOptions.SectionName);

        var databasePath = Path.GetFullPath(configuration[$"{DashboardOptions.SectionName}:{nameof(DashboardOptions.DatabasePath)}"] ?? new DashboardOptions().DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        services.AddDbContextFactory<DashboardDbContext>(o => o.UseSqlite($"Data Source={databasePath}"));

        // Accounts: ASP.NET Core Identity (its hasher, lockout and security stamps), cookie sign-in.
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
        {
            o.LoginPath = "/account/login";
            o.Cookie.Name = "movement.auth";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever served over HTTPS (or behind a TLS proxy, see TrustForwardedHeaders)
            o.ExpireTimeSpan = TimeSpan.FromHours(12);

            // A signed-in user asking for someone else's page gets a plain 403, not a redirect.
            o.Events.OnRedirectToAccessDenied = context =>
            {
                var participantPage = context.HttpContext.GetRouteValue(OwnParticipantDataRequirement.RouteKey) is not null;
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width\"><title>Not allowed</title></head>"
                    + $"<body><h1>Not allowed</h1><p data-testid=\"forbidden\">{AccessDeniedText.For(participantPage)}</p><p><a href=\"/\">Go to your page</a></p></body></html>");
            };
        }));
        services.AddIdentityCore<DashboardUser>(o =>
            {
                o.Password.RequiredLength = 10;
                // No hard lock (anyone knowing a user name could lock its owner out): SignInThrottle slows guessing instead.
                o.Lockout.AllowedForNewUsers = false;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<DashboardClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<IAuthorizationHandler, OwnParticipantDataHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(OwnParticipantDataRequirement.Policy, p => p.RequireAuthenticatedUser().AddRequirements(new OwnParticipantDataRequirement()));

        services.AddSingleton<LiveGroupState>();
        services.AddSingleton<LiveFeedService>();
        services.AddSingleton<SessionControl>();
        services.AddScoped<ProgrammeQueries>();
        services.AddScoped<ProgrammeEditor>();
        services.AddScoped<ClinicExport>();
        services.AddStepsApi();
        services.AddStepImport();
        services.AddHostedService<DashboardDatabaseInitialiser>();
        // The central dashboard's pages and accounts (off unless Central:Sites lists sites); after the database is ready.
        services.AddOptions<CentralOptions>().BindConfiguration(CentralOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CentralQueries>();
        services.AddHostedService<CentralAccounts>();

        // SessionControl hooks the feed's on-connect (re-publish the session, or start the demo one): create it before the feed runs.
        services.AddHostedService(sp =>
        {
            sp.GetRequiredService<SessionControl>();
            return sp.GetRequiredService<LiveFeedService>();
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<MqttConnectionsHealthCheck>("mqtt", tags: ["ready"])
            .AddCheck<DatabaseHealthCheck>("database", timeout: TimeSpan.FromSeconds(10), tags: ["ready"])
            .AddCheck<StoreWritesHealthCheck>("store", tags: ["ready"])
            .AddCheck<SampleAgeHealthCheck>("samples", tags: ["ready"]);
        // Every Movement.* meter of the components hosted here (broker, MQTT clients, gateway, classifier, store), in
        // Prometheus text at /metrics (who may read it: MetricsAccess).
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Movement.*").AddPrometheusExporter());
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return services;
    }

    public static WebApplication UseMovementDashboard(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.TrustForwardedHeaders)
        {
            // Behind a TLS reverse proxy on this machine (docs/operations.md): the scheme and client address it saw.
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts(); // sent on HTTPS responses only
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "SAMEORIGIN";
            headers["Referrer-Policy"] = "same-origin";
            return next(context);
        });

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        // The policy above already says frame-ancestors 'self' (Blazor would add a second header saying only that).
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(MetricsAccess.GuardAsync), optionsName: null)
            .AllowAnonymous();
        app.Map("/error", () => Results.Problem("Something went wrong on the server; it has been logged.", statusCode: StatusCodes.Status500InternalServerError))
            .AllowAnonymous();
        app.MapPost("/account/logout", async (SignInManager<DashboardUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });
        app.MapGet("/outcomes/{cohortId:int}.csv", async (int cohortId, ProgrammeQueries queries, CancellationToken ct) =>
                Results.File(System.Text.Encoding.UTF8.GetBytes(OutcomeReport.ToCsv(await queries.OutcomeReportAsync(cohortId, ct))), "text/csv", $"cohort-{cohortId}-outcomes.csv"))
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor));
        app.MapGet("/sessions/{sessionId:int}/report.csv", async (int sessionId, ProgrammeQueries queries, CancellationToken ct) =>
                await queries.SessionReportAsync(sessionId, ct) is { } report
                    ? Results.File(System.Text.Encoding.UTF8.GetBytes(SessionReport.ToCsv(report)), "text/csv", $"session-{report.Session.Number}-report.csv")
                    : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor));
        app.MapGet("/sites/{site}/sessions/{session}/report.csv", async (string site, string session, HttpContext http, CentralQueries queries, CancellationToken ct) =>
                await queries.SessionReportAsync(http.User, site, session, ct) is { } report
                    ? Results.File(System.Text.Encoding.UTF8.GetBytes(report.ToCsv()), "text/csv", $"{site}-{session}-report.csv")
                    : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(Roles.CentralSupervisor));
        app.MapClinicExport();
        app.MapStepsApi();
        return app;
    }
}
