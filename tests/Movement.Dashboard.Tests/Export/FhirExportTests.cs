using Hl7.Fhir.Model;
using Movement.Dashboard.Data;
using Movement.Dashboard.Export;
using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Tests.Export;

public sealed class FhirExportTests
{
    private const string Participant = "p-abc23456";
    private static readonly DateOnly Today = new(2026, 12, 7);
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    private static readonly ProgrammeSession Held = new()
    {
        Number = 1, SessionKey = "s01-aaaaaa", PlannedDate = new DateOnly(2026, 11, 2),
        StartedAt = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero), EndedAt = new DateTimeOffset(2026, 11, 2, 11, 0, 0, TimeSpan.Zero),
    };

    private static readonly ProgrammeSession HeldMissed = new()
    {
        Number = 2, SessionKey = "s02-bbbbbb", PlannedDate = new DateOnly(2026, 11, 5),
        StartedAt = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero), EndedAt = new DateTimeOffset(2026, 11, 5, 11, 0, 0, TimeSpan.Zero),
    };

    private static readonly ProgrammeSession Planned = new() { Number = 3, SessionKey = "s03-cccccc", PlannedDate = new DateOnly(2026, 12, 20) };

    private static ParticipantExport Export(string? name = null) => new(Participant, name, Today, Now,
        [
            new SessionHistoryRow(Held, true,
            [
                new SessionExerciseSummary(Participant, ExerciseIds.KneeExtension, 2, 20, 71.24, new Dictionary<string, int> { ["partial_range"] = 3, ["sway"] = 1 }, RomKind.Knee),
                new SessionExerciseSummary(Participant, ExerciseIds.SitToStand, 1, 8, 95, new Dictionary<string, int>()),
            ], 8),
            // Reps recorded without an attendance mark: the summary is exported, with no Encounter to point at.
            new SessionHistoryRow(HeldMissed, false, [new SessionExerciseSummary(Participant, ExerciseIds.HeelRaise, 1, 5, 20, new Dictionary<string, int>(), RomKind.Shank)], null),
            new SessionHistoryRow(Planned, false, [], null),
        ],
        [
            new DailySteps(Today.AddDays(-2), 6_500, null),
            new DailySteps(Today.AddDays(-1), 0, null), // no data that day: no Observation
            new DailySteps(Today, 2_000, 3_100),
        ],
        [
            new OutcomeRecord("site-1", Participant, OutcomeMeasures.Pain.Id, OutcomeMeasures.FirstSession, 6, Held.StartedAt!.Value),
            new OutcomeRecord("site-1", Participant, OutcomeMeasures.KoosPs.Id, OutcomeMeasures.LastSession, 35.5, Now.AddDays(-1)),
        ]);

    private static Quantity Q(DataType? value) => Assert.IsType<Quantity>(value);

    private static CodeableConcept C(DataType? value) => Assert.IsType<CodeableConcept>(value);

    private static IEnumerable<T> All<T>(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<T>();

    [Fact]
    public void Build_Participant_ParsesBackAndValidatesAgainstTheR4CoreProfiles()
    {
        var json = FhirExport.ToJson(FhirExport.Build(Export()));

        var parsed = FhirValidation.Parse(json);

        Assert.Equal(Bundle.BundleType.Collection, parsed.Type);
        Assert.Empty(FhirValidation.Errors(parsed));
        Assert.Empty(FhirValidation.UnresolvedReferences(json));
        Assert.True(FhirValidation.ReferenceCount(json) > parsed.Entry.Count - 1, "every resource but the Patient refers to it");
        Assert.Equal(parsed.Entry.Count, parsed.Entry.Select(e => e.FullUrl).Distinct().Count());
    }

    [Fact]
    public void Build_Default_PatientIsPseudonymous()
    {
        var json = FhirExport.ToJson(FhirExport.Build(Export()));
        var patient = Assert.Single(All<Patient>(FhirValidation.Parse(json)));

        Assert.Empty(patient.Name);
        var identifier = Assert.Single(patient.Identifier);
        Assert.Equal((FhirExport.ParticipantIdSystem, Participant), (identifier.System, identifier.Value));
        Assert.DoesNotContain("\"name\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NameAsked_PatientNamed()
    {
        var patient = Assert.Single(All<Patient>(FhirValidation.Parse(FhirExport.ToJson(FhirExport.Build(Export("Ann Example"))))));

        Assert.Equal("Ann Example", Assert.Single(patient.Name).Text);
    }

    [Fact]
    public void Build_DailySteps_Loinc41950WithUcumPerDay_DaysWithStepsOnly_TodayPreliminary()
    {
        var steps = All<Observation>(FhirValidation.Parse(FhirExport.ToJson(FhirExport.Build(Export()))))
            .Where(o => o.Code.Coding.Any(c => c.System == FhirExport.Loinc && c.Code == FhirExport.DailyStepsLoinc)).ToList();

        Assert.Equal(["2026-12-05", "2026-12-07"], steps.Select(o => Assert.IsType<FhirDateTime>(o.Effective).Value));
        var quantities = steps.Select(o => Q(o.Value)).ToList();
        Assert.Equal([6_500m, 3_100m], quantities.Select(q => q.Value!.Value)); // today: the larger of counter and manual entry
        Assert.All(quantities, q => Assert.Equal((FhirExport.Ucum, "/d"), (q.System, q.Code)));
        Assert.Equal([ObservationStatus.Final, ObservationStatus.Preliminary], steps.Select(o => o.Status!.Value));
    }

    [Fact]
    public void Build_Sessions_EncounterPerAttendedHeldSession_SummariesPointAtIt()
    {
        var bundle = FhirValidation.Parse(FhirExport.ToJson(FhirExport.Build(Export())));
        var encounter = Assert.Single(All<Encounter>(bundle));
        var encounterUrl = bundle.Entry.Single(e => e.Resource is Encounter).FullUrl;
        var summaries = All<Observation>(bundle).Where(o => o.Code.Coding.Any(c => c.Code == FhirExport.ExerciseSummaryCode)).ToList();

        Assert.Equal(Held.SessionKey, Assert.Single(encounter.Identifier).Value);
        Assert.Equal(Encounter.EncounterStatus.Finished, encounter.Status);
        Assert.Equal(3, summaries.Count);
        Assert.Equal([encounterUrl, encounterUrl, null], summaries.Select(s => s.Encounter?.Reference));
    }

    [Fact]
    public void Build_ExerciseSummary_ComponentsCarryRepsRangeAngleAndFlags()
    {
        var knee = All<Observation>(FhirValidation.Parse(FhirExport.ToJson(FhirExport.Build(Export()))))
            .Single(o => o.Component.Any(c => c.Value is CodeableConcept { Coding: [{ Code: var code }, ..] } && code == ExerciseIds.KneeExtension));
        Quantity Amount(string system, string code) => Q(knee.Component.Single(c => c.Code.Coding[0].System == system && c.Code.Coding[0].Code == code).Value);

        Assert.Equal((20m, "{repetitions}"), (Amount(FhirExport.CodeSystem, FhirExport.RepsComponent).Value!.Value, Amount(FhirExport.CodeSystem, FhirExport.RepsComponent).Code));
        Assert.Equal(2m, Amount(FhirExport.CodeSystem, FhirExport.SetsComponent).Value);
        var range = Amount(FhirExport.CodeSystem, FhirExport.MeanRangeComponent);
        Assert.Equal((71.2m, "deg"), (range.Value!.Value, range.Code));
        var angle = C(knee.Component.Single(c => c.Code.Coding[0].Code == FhirExport.AngleComponent).Value);
        Assert.Equal((FhirExport.AngleSystem, "knee"), (angle.Coding[0].System, angle.Coding[0].Code));
        Assert.Equal(3m, Amount(FhirExport.FormFlagSystem, "partial_range").Value);
        Assert.Equal(1m, Amount(FhirExport.FormFlagSystem, "sway").Value);
    }

    [Fact]
    public void Build_Outcomes_ObservationPerScoreWithTimepoint_PainAlsoLoinc()
    {
        var outcomes = All<Observation>(FhirValidation.Parse(FhirExport.ToJson(FhirExport.Build(Export()))))
            .Where(o => o.Code.Coding.Any(c => c.System == FhirExport.OutcomeSystem)).ToList();

        Assert.Equal(2, outcomes.Count);
        var pain = outcomes.Single(o => o.Code.Coding[0].Code == OutcomeMeasures.Pain.Id);
        Assert.Contains(pain.Code.Coding, c => c.System == FhirExport.Loinc && c.Code == FhirExport.PainNrsLoinc);
        Assert.Equal(6m, Q(pain.Value).Value);
        Assert.Equal(OutcomeMeasures.FirstSession, C(Assert.Single(pain.Component).Value).Coding[0].Code);
        Assert.Equal(35.5m, Q(outcomes.Single(o => o.Code.Coding[0].Code == OutcomeMeasures.KoosPs.Id).Value).Value);
    }

    [Fact]
    public void Build_Twice_SameResourceIds()
    {
        var first = FhirExport.Build(Export());
        var second = FhirExport.Build(Export() with { ExportedAt = Now.AddHours(1) });

        Assert.Equal(first.Entry.Select(e => e.FullUrl), second.Entry.Select(e => e.FullUrl));
        Assert.All(first.Entry, e => Assert.Equal(e.FullUrl, "urn:uuid:" + e.Resource!.Id));
    }
}

/// <summary>The checks the export's tests rely on catch what they are meant to.</summary>
public sealed class FhirValidationTests
{
    [Fact]
    public void Errors_ObservationWithoutStatusAndCode_Reported()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:3f1c9a52-1111-4a4a-9a9a-000000000001", Resource = new Observation { Id = "3f1c9a52-1111-4a4a-9a9a-000000000001" } });

        var errors = FhirValidation.Errors(bundle);

        Assert.Contains(errors, e => e.Contains("status", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(errors, e => e.Contains("code", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void UnresolvedReferences_ReferenceToNoEntry_Listed()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:3f1c9a52-1111-4a4a-9a9a-000000000002",
            Resource = new Observation { Subject = new ResourceReference("urn:uuid:3f1c9a52-1111-4a4a-9a9a-00000000dead") },
        });

        Assert.Equal(["urn:uuid:3f1c9a52-1111-4a4a-9a9a-00000000dead"], FhirValidation.UnresolvedReferences(FhirExport.ToJson(bundle)));
    }
}
