using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Programme;
using Movement.Store;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// POST /api/steps/omh and /api/steps/fhir: steps from a participant's phone or home hub, authenticated with a
/// device token (docs/steps-api.md). The participant is the token's, never the body's.
/// </summary>
public static partial class StepsApi
{
    public const string OpenMHealthPath = "/api/steps/omh";
    public const string FhirPath = "/api/steps/fhir";
    private const string RateLimitPolicy = "device-token";

    public static IServiceCollection AddStepsApi(this IServiceCollection services)
    {
        services.AddOptions<StepsApiOptions>().BindConfiguration(StepsApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DeviceTokens>();
        services.AddSingleton<ReportedSteps>();
        services.AddOpenApi();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Partitioned by the token's hash (so the token itself is not kept as a key); no token: by client address.
            o.AddPolicy(RateLimitPolicy, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<StepsApiOptions>>().Value.RequestsPerMinutePerToken;
                var key = BearerToken(context.Request) is { } token ? DeviceTokens.Hash(token) : "address:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }

    public static WebApplication MapStepsApi(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapOpenApi().AllowAnonymous();
        var api = app.MapGroup("/api/steps").RequireRateLimiting(RateLimitPolicy).AllowAnonymous().WithTags("Steps");
        Describe(api.MapPost("/omh", (HttpContext context, CancellationToken ct) =>
                ReceiveAsync(context, (root, zone, max) => StepReports.ParseOpenMHealth(root, zone, max), ct)))
            .WithName("PostOpenMHealthSteps")
            .WithSummary("Steps as Open mHealth step_count data points")
            .WithDescription("One data point (header and body, or the body alone) or an array of them. body.step_count (a number, or {value, unit: \"steps\"}) over body.effective_time_frame.time_interval (start_date_time and end_date_time with offsets, at most 24 h; or a date).");
        Describe(api.MapPost("/fhir", (HttpContext context, CancellationToken ct) =>
                ReceiveAsync(context, (root, zone, max) => StepReports.ParseFhir(root, zone, max), ct)))
            .WithName("PostFhirSteps")
            .WithSummary("Steps as FHIR R4 Observations")
            .WithDescription("One Observation or a Bundle of them. code: LOINC 41950-7 (steps in 24 hours; effectiveDateTime the day, or effectivePeriod) or 55423-8 (steps in an interval; effectivePeriod, at most 24 h). valueQuantity.value: the steps.");
        return app;
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint) => endpoint
        .Accepts<JsonElement>("application/json")
        .Produces<StepsAccepted>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .Produces(StatusCodes.Status429TooManyRequests);

    /// <summary>The reply to an accepted body: intervals received, and how many of them were not stored before.</summary>
    public sealed record StepsAccepted(int Received, int New);

    private static async Task<IResult> ReceiveAsync(HttpContext context, Func<JsonElement, TimeZoneInfo, int, StepReport> parse, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var tokens = services.GetRequiredService<DeviceTokens>();
        if (BearerToken(context.Request) is not { } presented || await tokens.AuthenticateAsync(presented, cancellationToken) is not { } token)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem("A valid device token is required (Authorization: Bearer mvt_...). Create one on the participant's page.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var options = services.GetRequiredService<IOptions<StepsApiOptions>>().Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.MaxRequestBytes;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            return Fault("$", $"is not valid JSON ({e.Message})");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem($"The body is over {options.MaxRequestBytes:N0} bytes; send fewer items at once.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using (document)
        {
            var zone = services.GetRequiredService<IOptions<StoreOptions>>().Value.GetTimeZone();
            var queries = services.GetRequiredService<ProgrammeQueries>();
            var participant = await queries.ParticipantAsync(token.ParticipantId, cancellationToken);
            if (participant is null)
            {
                return Results.Problem("The token's participant no longer exists.", statusCode: StatusCodes.Status401Unauthorized);
            }

            var report = StepReports.CheckPlausible(parse(document.RootElement, zone, options.MaxItemsPerRequest),
                queries.FirstStepDay(participant), services.GetRequiredService<TimeProvider>().GetUtcNow(), zone);
            if (!report.IsValid)
            {
                var logger = services.GetRequiredService<ILogger<DeviceTokens>>();
                Log.Refused(logger, token.Id, report.Field!);
                return Fault(report.Field!, report.Error!);
            }

            var added = await services.GetRequiredService<ReportedSteps>().SaveAsync(token, report.Intervals, cancellationToken);
            return Results.Ok(new StepsAccepted(report.Intervals.Count, added));
        }
    }

    /// <summary>400 with the field at fault both in words and as <c>errors</c> (the validation problem shape clients know).</summary>
    private static IResult Fault(string field, string error) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] }, detail: $"{field}: {error}. Nothing was stored.");

    private static string? BearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;

    private static partial class Log
    {
        // The token's id, never the token; no step values or participant ids either.
        [LoggerMessage(Level = LogLevel.Information, Message = "Steps refused from device token #{TokenId}: {Field}")]
        public static partial void Refused(ILogger logger, int tokenId, string field);
    }
}
