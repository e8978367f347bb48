using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Movement.Dashboard.Export;

namespace Movement.Dashboard.Tests.Export;

/// <summary>
/// Reads an exported Bundle back with Firely's parser and checks it: against the FHIR R4 core profiles with Firely's
/// validator (offline: the specification package's definitions), and that every reference resolves within the Bundle.
/// </summary>
internal static class FhirValidation
{
    private static readonly Lock Gate = new();
    private static Validator? _validator;

    /// <summary>Firely's strict parser: a document that is not valid FHIR JSON throws.</summary>
    public static Bundle Parse(string json) => JsonSerializer.Deserialize<Bundle>(json, FhirExport.JsonOptions)
        ?? throw new InvalidOperationException("empty document");

    /// <summary>The validator's errors (and fatal issues), as text; warnings and information are left out.</summary>
    public static IReadOnlyList<string> Errors(Bundle bundle)
    {
        OperationOutcome outcome;
        lock (Gate) // the validator and its caches are not thread-safe
        {
            _validator ??= NewValidator();
            outcome = _validator.Validate(bundle);
        }

        return outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} at {string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
    }

    /// <summary>References in <paramref name="json"/> (any depth) that name no entry's fullUrl.</summary>
    public static IReadOnlyList<string> UnresolvedReferences(string json)
    {
        using var document = JsonDocument.Parse(json);
        var fullUrls = document.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("fullUrl").GetString()!).ToHashSet(StringComparer.Ordinal);
        var references = new List<string>();
        Collect(document.RootElement, references);
        return references.Where(r => !fullUrls.Contains(r)).ToList();
    }

    public static int ReferenceCount(string json)
    {
        using var document = JsonDocument.Parse(json);
        var references = new List<string>();
        Collect(document.RootElement, references);
        return references.Count;
    }

    private static void Collect(JsonElement element, List<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        references.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        Collect(property.Value, references);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, references);
                }

                break;
        }
    }

    private static Validator NewValidator()
    {
        // specification.zip (Hl7.Fhir.Specification.Data.R4) beside the test assembly: the R4 core definitions, no network.
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    }
}
