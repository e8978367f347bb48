using System.Security.Claims;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Movement.Dashboard.Access;
using Movement.Dashboard.Data;
using Movement.Dashboard.Programme;

namespace Movement.Dashboard.Export;

/// <summary>
/// The records the clinic takes away (docs/fhir-export.md): a participant's FHIR R4 Bundle and the cohort CSV.
/// Pseudonymous by default; names only when a supervisor asks (<c>?names=true</c>).
/// </summary>
public sealed partial class ClinicExport(ProgrammeQueries queries, TimeProvider time, ILogger<ClinicExport> logger)
{
    /// <summary>The participant's Bundle; null when there is no such participant.</summary>
    public async Task<Bundle?> ParticipantBundleAsync(string participantId, bool includeName, CancellationToken cancellationToken)
    {
        if (await queries.ParticipantAsync(participantId, cancellationToken) is not { } participant)
        {
            return null;
        }

        var history = await queries.ParticipantHistoryAsync(participant, cancellationToken);
        var today = queries.Today;
        var days = await queries.DailyStepsAsync(participant.Id, queries.FirstStepDay(participant), today, cancellationToken);
        var outcomes = await queries.OutcomeRecordsAsync(participant.Id, cancellationToken);
        return FhirExport.Build(new ParticipantExport(
            participant.Id, includeName ? participant.DisplayName : null, today, time.GetUtcNow(), history.Sessions, days, outcomes));
    }

    /// <summary>
    /// Who may ask for names: supervisors. A participant's own export stays pseudonymous (least privilege: a file that
    /// leaves the dashboard carries no name unless the clinic's staff decide it must).
    /// </summary>
    public static bool MayIncludeNames(ClaimsPrincipal user) => user.IsInRole(Roles.Supervisor);

    public void LogExport(string what, string id, bool names) => LogExported(logger, what, id, names);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clinic export: {What} {Id}, names included: {Names}")]
    private static partial void LogExported(ILogger logger, string what, string id, bool names);
}

public static class ClinicExportEndpoints
{
    public static WebApplication MapClinicExport(this WebApplication app)
    {
        // Route value participantId: the policy lets a participant reach only their own, a supervisor anyone's.
        app.MapGet($"/participant/{{{OwnParticipantDataRequirement.RouteKey}}}/export.fhir.json", async (
                string participantId, [FromQuery] bool? names, HttpContext http, ClinicExport export, CancellationToken ct) =>
            {
                var includeNames = names == true;
                if (includeNames && !ClinicExport.MayIncludeNames(http.User))
                {
                    return Results.Problem("Only a supervisor may export names; leave out names=true for the pseudonymous export.",
                        statusCode: StatusCodes.Status403Forbidden);
                }

                if (await export.ParticipantBundleAsync(participantId, includeNames, ct) is not { } bundle)
                {
                    return Results.NotFound();
                }

                export.LogExport("participant", participantId, includeNames);
                http.Response.Headers.CacheControl = "no-store";
                return Results.File(System.Text.Encoding.UTF8.GetBytes(FhirExport.ToJson(bundle)), FhirExport.MediaType,
                    $"participant-{participantId}{(includeNames ? "-named" : "")}.fhir.json");
            })
            .RequireAuthorization(OwnParticipantDataRequirement.Policy)
            .WithTags("Clinic export").WithSummary("A participant's FHIR R4 Bundle (docs/fhir-export.md); names=true: supervisors only");
        app.MapGet("/cohorts/{cohortId:int}/report.csv", async (int cohortId, [FromQuery] bool? names, HttpContext http, ProgrammeQueries queries, ClinicExport export, CancellationToken ct) =>
            {
                if (await queries.CohortReportAsync(cohortId, ct) is not { } report)
                {
                    return Results.NotFound();
                }

                export.LogExport("cohort", cohortId.ToString(System.Globalization.CultureInfo.InvariantCulture), names == true);
                http.Response.Headers.CacheControl = "no-store";
                return Results.File(System.Text.Encoding.UTF8.GetBytes(CohortReport.ToCsv(report, includeNames: names == true)), "text/csv",
                    $"cohort-{cohortId}-report{(names == true ? "-named" : "")}.csv");
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor))
            .WithTags("Clinic export").WithSummary("The cohort report, one row per participant (docs/fhir-export.md); names=true adds a name column");
        return app;
    }
}
