using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Export;

/// <summary>
/// Everything the clinic export holds about one participant. <see cref="Name"/> is null unless a supervisor asked for
/// names: the default export is pseudonymous.
/// </summary>
public sealed record ParticipantExport(
    string ParticipantId, string? Name, DateOnly Today, DateTimeOffset ExportedAt, IReadOnlyList<SessionHistoryRow> Sessions,
    IReadOnlyList<DailySteps> Days, IReadOnlyList<OutcomeRecord> Outcomes);

/// <summary>
/// Builds a participant's FHIR R4 collection Bundle (docs/fhir-export.md): a Patient, an Observation per day with
/// steps (LOINC 41950-7), an Encounter per class session attended, an Observation per session and exercise with the
/// reps, the mean range (and what it is an angle of) and the form flags as components, and an Observation per outcome
/// score. Resources refer to each other by <c>urn:uuid</c> full URLs derived from the participant and what the
/// resource is about, so exporting again gives the same ids.
/// </summary>
public static class FhirExport
{
    public const string MediaType = "application/fhir+json";

    /// <summary>The project's own namespace for identifiers and local code systems (not a registry: nothing is served there).</summary>
    public const string Namespace = "https://movement.example.org/fhir";

    public const string ParticipantIdSystem = Namespace + "/sid/participant";
    public const string SessionIdSystem = Namespace + "/sid/session";
    public const string CodeSystem = Namespace + "/CodeSystem/movement";
    public const string ExerciseSystem = Namespace + "/CodeSystem/exercise";
    public const string FormFlagSystem = Namespace + "/CodeSystem/form-flag";
    public const string AngleSystem = Namespace + "/CodeSystem/range-angle";
    public const string OutcomeSystem = Namespace + "/CodeSystem/outcome-measure";

    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string DailyStepsLoinc = "41950-7";
    public const string PainNrsLoinc = "72514-3";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    // Local codes (CodeSystem): what the resources are about where no standard code says it.
    public const string SessionCode = "class-session";
    public const string ExerciseSummaryCode = "session-exercise-summary";
    public const string ExerciseComponent = "exercise";
    public const string SetsComponent = "sets";
    public const string RepsComponent = "repetitions";
    public const string MeanRangeComponent = "mean-range-of-motion";
    public const string AngleComponent = "range-angle";
    public const string TimepointComponent = "timepoint";

    public static Bundle Build(ParticipantExport export)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = export.ExportedAt,
            Identifier = new Identifier("urn:ietf:rfc:3986", Urn(export.ParticipantId, $"export:{export.ExportedAt.UtcTicks}")),
        };
        var patient = Add(bundle, export.ParticipantId, "patient", Patient(export));
        var patientRef = new ResourceReference(patient);

        var encounters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in export.Sessions.Where(s => s.Attended && s.Held))
        {
            encounters[row.Session.SessionKey] = Add(bundle, export.ParticipantId, $"session:{row.Session.SessionKey}", Encounter(row, patientRef));
        }

        foreach (var row in export.Sessions.Where(s => s.Held))
        {
            foreach (var exercise in row.Exercises)
            {
                var encounter = encounters.TryGetValue(row.Session.SessionKey, out var url) ? new ResourceReference(url) : null;
                Add(bundle, export.ParticipantId, $"summary:{row.Session.SessionKey}:{exercise.Exercise}", ExerciseSummary(row, exercise, patientRef, encounter));
            }
        }

        foreach (var day in export.Days.Where(d => d.Total > 0).OrderBy(d => d.Date))
        {
            Add(bundle, export.ParticipantId, $"steps:{day.Date:yyyy-MM-dd}", DailySteps(day, day.Date >= export.Today, patientRef));
        }

        foreach (var outcome in export.Outcomes.OrderBy(o => o.Time))
        {
            Add(bundle, export.ParticipantId, $"outcome:{outcome.Measure}:{outcome.Timepoint}", Outcome(outcome, patientRef));
        }

        return bundle;
    }

    /// <summary>The Bundle as FHIR JSON, with Firely's serializer.</summary>
    public static string ToJson(Bundle bundle) => JsonSerializer.Serialize(bundle, JsonOptions);

    /// <summary>Firely's System.Text.Json setup for R4 (strict when reading: an invalid document throws).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).Pretty();

    private static Patient Patient(ParticipantExport export)
    {
        var patient = new Patient
        {
            Active = true,
            Identifier = [new Identifier(ParticipantIdSystem, export.ParticipantId) { Use = Identifier.IdentifierUse.Secondary }],
        };
        if (export.Name is { } name)
        {
            patient.Name = [new HumanName { Text = name, Use = HumanName.NameUse.Usual }];
        }

        return patient;
    }

    private static Encounter Encounter(SessionHistoryRow row, ResourceReference patient) => new()
    {
        Status = row.Session.EndedAt is null ? Hl7.Fhir.Model.Encounter.EncounterStatus.InProgress : Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
        Class = new Coding(ActCode, "AMB", "ambulatory"),
        Type = [Concept(CodeSystem, SessionCode, "Supervised group exercise class session", $"Session {row.Session.Number} of the programme")],
        Identifier = [new Identifier(SessionIdSystem, row.Session.SessionKey)],
        Subject = patient,
        Period = new Period
        {
            StartElement = new FhirDateTime(row.Session.StartedAt!.Value),
            EndElement = row.Session.EndedAt is { } end ? new FhirDateTime(end) : null,
        },
    };

    private static Observation ExerciseSummary(SessionHistoryRow row, SessionExerciseSummary exercise, ResourceReference patient, ResourceReference? encounter)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Category = [Concept(ObservationCategory, "activity", "Activity")],
            Code = Concept(CodeSystem, ExerciseSummaryCode, "Exercise repetitions in a class session", $"{Label(exercise.Exercise)} in session {row.Session.Number}"),
            Subject = patient,
            Encounter = encounter,
            Effective = new FhirDateTime(row.Session.StartedAt!.Value),
            Component =
            [
                new Observation.ComponentComponent
                {
                    Code = Concept(CodeSystem, ExerciseComponent, "Exercise"),
                    Value = Concept(ExerciseSystem, exercise.Exercise, Label(exercise.Exercise)),
                },
                Count(SetsComponent, "Sets", exercise.Sets, "sets"),
                Count(RepsComponent, "Repetitions", exercise.Reps, "repetitions"),
            ],
        };
        if (exercise.Reps > 0)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = Concept(CodeSystem, MeanRangeComponent, "Mean range of motion of the repetitions"),
                Value = Amount((decimal)Math.Round(exercise.MeanRomDeg, 1), "deg", "°"),
            });
        }

        if (exercise.RomKind is { } kind)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = Concept(CodeSystem, AngleComponent, "What the range is an angle of"),
                Value = Concept(AngleSystem, AngleCode(kind), RomKinds.Label(kind)),
            });
        }

        foreach (var (flag, count) in exercise.FlagCounts.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = Concept(FormFlagSystem, flag, Label(flag)),
                Value = Amount(count, "{flags}", "flags"),
            });
        }

        return observation;
    }

    private static Observation.ComponentComponent Count(string code, string display, int value, string unit) => new()
    {
        Code = Concept(CodeSystem, code, display),
        Value = Amount(value, "{" + unit + "}", unit),
    };

    /// <summary>A day's steps from every source (<see cref="ProgrammeQueries.DailyStepsAsync"/>); today's is preliminary: the day is not over.</summary>
    private static Observation DailySteps(DailySteps day, bool inProgress, ResourceReference patient) => new()
    {
        Status = inProgress ? ObservationStatus.Preliminary : ObservationStatus.Final,
        Category = [Concept(ObservationCategory, "activity", "Activity")],
        Code = Concept(Loinc, DailyStepsLoinc, "Number of steps in 24 hour Measured"),
        Subject = patient,
        Effective = new FhirDateTime(day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        // UCUM "/d" with the unit text "steps/day", as the HL7 Physical Activity IG writes daily steps.
        Value = Amount(day.Total, "/d", "steps/day"),
    };

    private static Observation Outcome(OutcomeRecord outcome, ResourceReference patient)
    {
        var measure = OutcomeMeasures.All.FirstOrDefault(m => m.Id == outcome.Measure);
        var code = Concept(OutcomeSystem, outcome.Measure, measure?.Label ?? outcome.Measure);
        if (outcome.Measure == OutcomeMeasures.Pain.Id)
        {
            code.Coding.Add(new Coding(Loinc, PainNrsLoinc, "Pain severity - 0-10 verbal numeric rating [Score] - Reported"));
        }

        var unit = outcome.Measure == OutcomeMeasures.ChairStand.Id ? "stands" : "score";
        return new Observation
        {
            Status = ObservationStatus.Final,
            Category = [Concept(ObservationCategory, outcome.Measure == OutcomeMeasures.ChairStand.Id ? "exam" : "survey")],
            Code = code,
            Subject = patient,
            Effective = new FhirDateTime(outcome.Time),
            Value = Amount((decimal)outcome.Value, "{" + unit + "}", unit),
            Component =
            [
                new Observation.ComponentComponent
                {
                    Code = Concept(CodeSystem, TimepointComponent, "Programme timepoint"),
                    Value = Concept(CodeSystem, outcome.Timepoint, outcome.Timepoint == OutcomeMeasures.FirstSession ? "First session" : outcome.Timepoint == OutcomeMeasures.LastSession ? "Last session" : outcome.Timepoint),
                },
            ],
        };
    }

    private static string Add(Bundle bundle, string participantId, string key, Resource resource)
    {
        var url = Urn(participantId, key);
        resource.Id = url["urn:uuid:".Length..];
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = url, Resource = resource });
        return url;
    }

    /// <summary>A name-based UUID (RFC 9562 version 8 layout from SHA-256), so the same thing keeps its id across exports.</summary>
    private static string Urn(string participantId, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"movement:{participantId}:{key}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static string AngleCode(RomKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>"partial_range" as "Partial range".</summary>
    private static string Label(string id) => id.Length == 0 ? id : char.ToUpperInvariant(id[0]) + id[1..].Replace('_', ' ');

    private static CodeableConcept Concept(string system, string code, string? display = null, string? text = null) =>
        new() { Coding = [new Coding(system, code, display)], Text = text };

    /// <summary>A UCUM quantity: <paramref name="code"/> is the UCUM code, <paramref name="unit"/> the text people read.</summary>
    private static Quantity Amount(decimal value, string code, string unit) => new() { Value = value, System = Ucum, Code = code, Unit = unit };
}
