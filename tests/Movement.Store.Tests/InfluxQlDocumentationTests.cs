using System.Text.RegularExpressions;
using Movement.Protocol;
using Movement.Store.InfluxDb;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests;

/// <summary>The InfluxQL examples in docs/storage.md run against real influxd over data the store wrote, and return data.</summary>
[Trait("Category", "Integration")]
public sealed partial class InfluxQlDocumentationTests(InfluxDbFixture influx) : IClassFixture<InfluxDbFixture>
{
    [GeneratedRegex("```influxql\\n(?<query>.+?)\\n```", RegexOptions.Singleline)]
    private static partial Regex QueryBlock();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Movement.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Movement.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task DocumentedQueries_AgainstStoredData_ReturnSeries()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "storage.md"));
        var queries = QueryBlock().Matches(docs).Select(m => m.Groups["query"].Value).ToList();
        Assert.True(queries.Count >= 8, $"expected the documented queries, found {queries.Count}");

        using var store = influx.CreateStore(London, "docs");
        var t = Utc("2026-05-12T09:00:00Z");
        var session = new EventRecord("site-1", new SetSummaryEvent
        {
            Id = "set-1", Site = "site-1", Participant = "p1", Sensor = "sensor-a", Time = t.AddMinutes(2), Session = "session-1",
            Exercise = ExerciseIds.SitToStand, SetNumber = 1, Reps = 2, TargetReps = 10, MeanRomDeg = 75,
        }, "left");
        await store.WriteAsync(
        [
            Rep("site-1", "p1", "r1", t), Rep("site-1", "p1", "r2", t.AddSeconds(3), rep: 2), session,
            Flag("site-1", "p1", "f1", t.AddSeconds(3), FormFlagIds.PartialRange),
            Reading("site-1", "sensor-a", "2026-05-12T08:00:00Z", 100), Reading("site-1", "sensor-a", "2026-05-12T18:00:00Z", 5100),
            new AttendanceRecord("site-1", "session-1", "p1", t),
            new OutcomeRecord("site-1", "p1", "sit_to_stand_30s", "first_session", 9, t, "reps"),
        ], CancellationToken.None);

        using var client = new InfluxQlClient(influx.Options("docs"));
        foreach (var query in queries)
        {
            var runnable = query
                .Replace("$timeFilter", "time >= '2026-05-01T00:00:00Z' AND time < '2026-06-01T00:00:00Z'", StringComparison.Ordinal)
                .Replace("$__interval", "1h", StringComparison.Ordinal);

            var result = await client.QueryAsync(runnable, CancellationToken.None);

            Assert.True(result[0].Count > 0 && result[0].Any(s => s.Values.Count > 0), $"no data from documented query: {query}");
        }
    }
}
