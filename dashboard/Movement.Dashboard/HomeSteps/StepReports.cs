using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Movement.Store.Steps;

namespace Movement.Dashboard.HomeSteps;

/// <summary>Steps over [<see cref="Start"/>, <see cref="End"/>); <see cref="Field"/> is where its time came from (for errors).</summary>
public sealed record StepInterval(DateTimeOffset Start, DateTimeOffset End, long Steps, string Field);

/// <summary>What a body said, or the first field at fault and why.</summary>
public sealed record StepReport(IReadOnlyList<StepInterval> Intervals, string? Field = null, string? Error = null)
{
    public bool IsValid => Field is null;

    public static StepReport Fault(string field, string error) => new([], field, error);
}

/// <summary>
/// Reads step counts sent by phones and home hubs, as Open mHealth <c>step_count</c> data points or FHIR R4
/// Observations (docs/steps-api.md), and checks they are plausible. A body is accepted whole or not at all.
/// </summary>
public static partial class StepReports
{
    public const long MaxStepsPerDay = 100_000;
    public const string LoincSystem = "http://loinc.org";
    public const string LoincDailySteps = "41950-7";
    public const string LoincIntervalSteps = "55423-8";
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);

    private static readonly string[] UsableStatuses = ["final", "amended", "corrected", "preliminary"];

    /// <summary>One data point (with header and body, or the body alone) or an array of them.</summary>
    public static StepReport ParseOpenMHealth(JsonElement root, TimeZoneInfo zone, int maxItems) =>
        Each(root, "", maxItems, (item, path) =>
        {
            var (body, bodyPath) = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("body", out var b) ? (b, path + "body.") : (item, path);
            if (body.ValueKind != JsonValueKind.Object)
            {
                return StepReport.Fault(Trim(bodyPath), "must be an object");
            }

            var stepsPath = bodyPath + "step_count";
            if (!body.TryGetProperty("step_count", out var stepCount))
            {
                return StepReport.Fault(stepsPath, "is required");
            }

            // step-count 1.0 has a bare number; 2.0 and later a unit value {"value": n, "unit": "steps"}.
            if (stepCount.ValueKind == JsonValueKind.Object)
            {
                if (stepCount.TryGetProperty("unit", out var unit) && unit.GetString() is not "steps")
                {
                    return StepReport.Fault(stepsPath + ".unit", "must be \"steps\"");
                }

                stepsPath += ".value";
                stepCount = stepCount.TryGetProperty("value", out var v) ? v : default;
            }

            if (Steps(stepCount, stepsPath) is { IsValid: false } badSteps)
            {
                return badSteps;
            }

            var framePath = bodyPath + "effective_time_frame.time_interval";
            if (!body.TryGetProperty("effective_time_frame", out var frame) || frame.ValueKind != JsonValueKind.Object
                || !frame.TryGetProperty("time_interval", out var interval) || interval.ValueKind != JsonValueKind.Object)
            {
                return StepReport.Fault(framePath, "is required (a step count covers an interval: start_date_time and end_date_time, or a date)");
            }

            if (interval.TryGetProperty("date", out var date) && !interval.TryGetProperty("start_date_time", out _))
            {
                return Day(date, framePath + ".date", stepCount.GetInt64(), zone);
            }

            return Interval(interval, framePath + ".start_date_time", "start_date_time", framePath + ".end_date_time", "end_date_time", stepCount.GetInt64());
        });

    /// <summary>One Observation or a Bundle of them (each entry's resource).</summary>
    public static StepReport ParseFhir(JsonElement root, TimeZoneInfo zone, int maxItems)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() == "Bundle")
        {
            if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                return StepReport.Fault("entry", "is required: a Bundle of Observations");
            }

            return Each(entries, "entry", maxItems, (entry, path) =>
                entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource)
                    ? Observation(resource, path + "resource.", zone)
                    : StepReport.Fault(path + "resource", "is required"));
        }

        return Observation(root, "", zone);
    }

    private static StepReport Observation(JsonElement observation, string path, TimeZoneInfo zone)
    {
        if (observation.ValueKind != JsonValueKind.Object || !observation.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "Observation")
        {
            return StepReport.Fault(path + "resourceType", "must be \"Observation\"");
        }

        if (!observation.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String || !UsableStatuses.Contains(status.GetString()))
        {
            return StepReport.Fault(path + "status", $"must be one of {string.Join(", ", UsableStatuses)}");
        }

        string? code = null;
        if (observation.TryGetProperty("code", out var codeElement) && codeElement.ValueKind == JsonValueKind.Object
            && codeElement.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
        {
            code = codings.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object && Text(c, "system") == LoincSystem)
                .Select(c => Text(c, "code")).FirstOrDefault(c => c is LoincDailySteps or LoincIntervalSteps);
        }

        if (code is null)
        {
            return StepReport.Fault(path + "code.coding", $"needs LOINC {LoincDailySteps} (steps in 24 hours) or {LoincIntervalSteps} (steps in an interval), system {LoincSystem}");
        }

        var valuePath = path + "valueQuantity.value";
        if (!observation.TryGetProperty("valueQuantity", out var quantity) || quantity.ValueKind != JsonValueKind.Object
            || !quantity.TryGetProperty("value", out var value))
        {
            return StepReport.Fault(valuePath, "is required");
        }

        if (Steps(value, valuePath) is { IsValid: false } badSteps)
        {
            return badSteps;
        }

        if (observation.TryGetProperty("effectivePeriod", out var period))
        {
            return period.ValueKind == JsonValueKind.Object
                ? Interval(period, path + "effectivePeriod.start", "start", path + "effectivePeriod.end", "end", value.GetInt64())
                : StepReport.Fault(path + "effectivePeriod", "must be an object with start and end");
        }

        if (code == LoincDailySteps && observation.TryGetProperty("effectiveDateTime", out var day))
        {
            return Day(day, path + "effectiveDateTime", value.GetInt64(), zone);
        }

        return code == LoincDailySteps
            ? StepReport.Fault(path + "effectivePeriod", "is required (or effectiveDateTime, the day counted)")
            : StepReport.Fault(path + "effectivePeriod", "is required: an interval count needs start and end");
    }

    /// <summary>
    /// The report checked against the calendar: nothing in the future (beyond <paramref name="now"/>), nothing before
    /// <paramref name="firstDay"/>, no interval over 24 h, and at most <see cref="MaxStepsPerDay"/> steps on any day.
    /// </summary>
    public static StepReport CheckPlausible(StepReport report, DateOnly firstDay, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (!report.IsValid)
        {
            return report;
        }

        var perDay = new Dictionary<DateOnly, long>();
        foreach (var interval in report.Intervals)
        {
            if (interval.End - interval.Start > MaxInterval)
            {
                return StepReport.Fault(interval.Field, "the interval is longer than 24 hours");
            }

            if (DailyStepCalculator.LocalDate(interval.Start, zone) > DailyStepCalculator.LocalDate(now, zone) || interval.Start > now)
            {
                return StepReport.Fault(interval.Field, "is in the future");
            }

            if (DailyStepCalculator.LocalDate(interval.Start, zone) < firstDay)
            {
                return StepReport.Fault(interval.Field, $"is before {firstDay:yyyy-MM-dd}, the first day steps are kept for");
            }

            var days = new Dictionary<DateOnly, long>();
            DailyStepCalculator.Spread(interval.Steps, interval.Start, interval.End, zone, days);
            foreach (var (date, steps) in days)
            {
                if ((perDay[date] = perDay.GetValueOrDefault(date) + steps) > MaxStepsPerDay)
                {
                    return StepReport.Fault(interval.Field, $"more than {MaxStepsPerDay:N0} steps on {date:yyyy-MM-dd}");
                }
            }
        }

        return report;
    }

    private static StepReport Each(JsonElement root, string arrayPath, int maxItems, Func<JsonElement, string, StepReport> parse)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return parse(root, arrayPath.Length == 0 ? "" : arrayPath + ".");
        }

        if (root.GetArrayLength() > maxItems)
        {
            return StepReport.Fault(arrayPath.Length == 0 ? "$" : arrayPath, $"at most {maxItems} items in one request");
        }

        var intervals = new List<StepInterval>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var one = parse(item, $"{arrayPath}[{index++}].");
            if (!one.IsValid)
            {
                return one;
            }

            intervals.AddRange(one.Intervals);
        }

        return new StepReport(intervals);
    }

    private static StepReport Steps(JsonElement value, string path) =>
        value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var steps)
            ? StepReport.Fault(path, "must be a whole number")
            : steps is < 0 or > MaxStepsPerDay
                ? StepReport.Fault(path, $"must be 0 to {MaxStepsPerDay:N0}")
                : new StepReport([]);

    private static StepReport Interval(JsonElement interval, string startPath, string startName, string endPath, string endName, long steps)
    {
        if (!Instant(interval, startName, out var start))
        {
            return StepReport.Fault(startPath, "is required: a date-time with a time zone offset (e.g. 2026-12-05T08:00:00+01:00)");
        }

        if (!Instant(interval, endName, out var end))
        {
            return StepReport.Fault(endPath, "is required: a date-time with a time zone offset (e.g. 2026-12-05T09:00:00+01:00)");
        }

        return end <= start
            ? StepReport.Fault(endPath, "must be after the start")
            : new StepReport([new StepInterval(start, end, steps, startPath)]);
    }

    /// <summary>A whole local day, from a date (or from a date-time: the day it falls on).</summary>
    private static StepReport Day(JsonElement element, string path, long steps, TimeZoneInfo zone)
    {
        DateOnly date;
        if (element.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(element.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            date = d;
        }
        else if (Instant(element, out var instant))
        {
            date = DailyStepCalculator.LocalDate(instant, zone);
        }
        else
        {
            return StepReport.Fault(path, "must be a date (2026-12-05) or a date-time with a time zone offset");
        }

        return new StepReport([new StepInterval(DailyStepCalculator.DayStartUtc(date, zone), DailyStepCalculator.DayStartUtc(date.AddDays(1), zone), steps, path)]);
    }

    private static bool Instant(JsonElement parent, string name, out DateTimeOffset instant)
    {
        instant = default;
        return parent.TryGetProperty(name, out var element) && Instant(element, out instant);
    }

    /// <summary>RFC 3339 with an explicit offset: a time without one would be read in the server's zone, not the sender's.</summary>
    private static bool Instant(JsonElement element, out DateTimeOffset instant)
    {
        instant = default;
        return element.ValueKind == JsonValueKind.String && element.GetString() is { } text && DateTimeWithOffset().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Trim(string path) => path.TrimEnd('.') is { Length: > 0 } p ? p : "$";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeWithOffset();
}
