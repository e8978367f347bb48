using System.Text.Json;
using Movement.Dashboard.HomeSteps;

namespace Movement.Dashboard.Tests.HomeSteps;

public sealed class StepReportsTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly FirstDay = new(2026, 11, 1);

    private static StepReport Omh(string json) =>
        StepReports.CheckPlausible(StepReports.ParseOpenMHealth(JsonDocument.Parse(json).RootElement, London, 10), FirstDay, Now, London);

    private static StepReport Fhir(string json) =>
        StepReports.CheckPlausible(StepReports.ParseFhir(JsonDocument.Parse(json).RootElement, London, 10), FirstDay, Now, London);

    internal static string OmhPoint(string start, string end, string stepCount) =>
        """{"header":{"schema_id":{"namespace":"omh","name":"step-count","version":"3.0"}},"body":{"step_count":""" + stepCount
        + ""","effective_time_frame":{"time_interval":{"start_date_time":""" + Quoted(start) + ""","end_date_time":""" + Quoted(end) + "}}}}";

    internal static string FhirObservation(string code, string effective, string value) =>
        """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":""" + Quoted(code) + "}]}," + effective
        + ""","valueQuantity":{"value":""" + value + ""","unit":"steps","system":"http://unitsofmeasure.org","code":"{steps}"}}""";

    private static string Quoted(string text) => "\"" + text + "\"";

    [Fact]
    public void ParseOpenMHealth_UnitValueInterval_OneInterval()
    {
        var report = Omh(OmhPoint("2026-12-05T08:00:00+01:00", "2026-12-05T09:00:00+01:00", """{"value":1234,"unit":"steps"}"""));

        Assert.True(report.IsValid, report.Error);
        var interval = Assert.Single(report.Intervals);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 7, 0, 0, TimeSpan.Zero), interval.Start);
        Assert.Equal(TimeSpan.FromHours(1), interval.End - interval.Start);
        Assert.Equal(1234, interval.Steps);
    }

    [Fact]
    public void ParseOpenMHealth_BareBodyArrayWithNumberAndDate_WholeLocalDays()
    {
        var report = Omh("""[{"step_count":500,"effective_time_frame":{"time_interval":{"date":"2026-12-01"}}},{"step_count":700,"effective_time_frame":{"time_interval":{"date":"2026-12-02"}}}]""");

        Assert.True(report.IsValid, report.Error);
        Assert.Equal([500L, 700L], report.Intervals.Select(i => i.Steps));
        Assert.All(report.Intervals, i => Assert.Equal(TimeSpan.FromHours(24), i.End - i.Start));
    }

    [Theory]
    [InlineData("""{"body":{"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.step_count")]
    [InlineData("""{"body":{"step_count":"many","effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.step_count")]
    [InlineData("""{"body":{"step_count":{"value":5,"unit":"km"},"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.step_count.unit")]
    [InlineData("""{"body":{"step_count":-1,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.step_count")]
    [InlineData("""{"body":{"step_count":100001,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.step_count")]
    [InlineData("""{"body":{"step_count":5}}""", "body.effective_time_frame.time_interval")]
    [InlineData("""{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.effective_time_frame.time_interval.start_date_time")]
    [InlineData("""{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-05T08:00:00Z","end_date_time":"2026-12-05T08:00:00Z"}}}}""", "body.effective_time_frame.time_interval.end_date_time")]
    [InlineData("""{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-04T08:00:00Z","end_date_time":"2026-12-05T09:00:00Z"}}}}""", "body.effective_time_frame.time_interval.start_date_time")]
    [InlineData("""{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"date":"2026-12-08"}}}}""", "body.effective_time_frame.time_interval.date")]
    [InlineData("""{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"date":"2026-10-31"}}}}""", "body.effective_time_frame.time_interval.date")]
    [InlineData("""[{"step_count":60000,"effective_time_frame":{"time_interval":{"date":"2026-12-01"}}},{"step_count":60000,"effective_time_frame":{"time_interval":{"start_date_time":"2026-12-01T10:00:00Z","end_date_time":"2026-12-01T11:00:00Z"}}}]""", "[1].effective_time_frame.time_interval.start_date_time")]
    [InlineData("""[{"step_count":5,"effective_time_frame":{"time_interval":{"date":"2026-12-01"}}},42]""", "[1]")]
    public void ParseOpenMHealth_BadBody_NamesTheField(string json, string field)
    {
        var report = Omh(json);

        Assert.False(report.IsValid);
        Assert.Equal(field, report.Field);
        Assert.Empty(report.Intervals);
    }

    [Fact]
    public void ParseFhir_DailyWithDate_TheLocalDayAcrossTheClockChange()
    {
        // 25 March 2026 is not a change in London, 29 March is: that local day has 23 hours.
        var report = StepReports.ParseFhir(JsonDocument.Parse(FhirObservation("41950-7", "\"effectiveDateTime\":\"2026-03-29\"", "8000")).RootElement, London, 10);

        Assert.True(report.IsValid, report.Error);
        var day = Assert.Single(report.Intervals);
        Assert.Equal(TimeSpan.FromHours(23), day.End - day.Start);
        Assert.Equal(8000, day.Steps);
    }

    [Fact]
    public void ParseFhir_BundleOfIntervals_EachEntry()
    {
        var entries = string.Join(",", Enumerable.Range(8, 3).Select(h =>
            $$"""{"resource":{{FhirObservation("55423-8", $"\"effectivePeriod\":{{\"start\":\"2026-12-05T{h:D2}:00:00Z\",\"end\":\"2026-12-05T{h + 1:D2}:00:00Z\"}}", "300")}}}"""));
        var report = Fhir($$"""{"resourceType":"Bundle","type":"collection","entry":[{{entries}}]}""");

        Assert.True(report.IsValid, report.Error);
        Assert.Equal(3, report.Intervals.Count);
        Assert.Equal(900, report.Intervals.Sum(i => i.Steps));
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient"}""", "resourceType")]
    [InlineData("""{"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"41950-7"}]},"effectiveDateTime":"2026-12-05","valueQuantity":{"value":5}}""", "status")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"effectiveDateTime":"2026-12-05","valueQuantity":{"value":5}}""", "code.coding")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"41950-7"}]},"effectiveDateTime":"2026-12-05","valueQuantity":{"value":5.5}}""", "valueQuantity.value")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"41950-7"}]},"effectiveDateTime":"2026-12-05"}""", "valueQuantity.value")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"55423-8"}]},"effectiveDateTime":"2026-12-05T10:00:00Z","valueQuantity":{"value":5}}""", "effectivePeriod")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"55423-8"}]},"effectivePeriod":{"start":"2026-12-05T10:00:00Z","end":"2026-12-05T09:00:00Z"},"valueQuantity":{"value":5}}""", "effectivePeriod.end")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"55423-8"}]},"effectivePeriod":{"start":"2026-12-07T16:00:00Z","end":"2026-12-07T17:00:00Z"},"valueQuantity":{"value":5}}""", "effectivePeriod.start")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation"}}]}""", "entry[0].resource.status")]
    public void ParseFhir_BadBody_NamesTheField(string json, string field)
    {
        var report = Fhir(json);

        Assert.False(report.IsValid);
        Assert.Equal(field, report.Field);
    }

    [Fact]
    public void ParseOpenMHealth_TooManyItems_Refused()
    {
        var items = string.Join(",", Enumerable.Repeat("""{"step_count":5,"effective_time_frame":{"time_interval":{"date":"2026-12-01"}}}""", 11));

        Assert.Equal("$", Omh($"[{items}]").Field);
    }
}
