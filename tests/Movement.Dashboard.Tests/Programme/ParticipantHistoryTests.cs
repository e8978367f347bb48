using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Programme;
using Movement.Protocol;

namespace Movement.Dashboard.Tests.Programme;

/// <summary>A participant's class history as the queries read it from the running system's store.</summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class ParticipantHistoryTests(SystemFixture system)
{
    [Fact]
    public async Task ParticipantHistoryAsync_HeldSession_RepsRangeFlagsAttendanceAndChairStands()
    {
        var participantId = await system.Server.ParticipantIdAsync(9);
        var session = await HistoryData.SeedAsync(system.Server, participantId);
        await using var scope = system.Server.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>();

        var history = await queries.ParticipantHistoryAsync((await queries.ParticipantAsync(participantId, CancellationToken.None))!, CancellationToken.None);

        Assert.Equal(12, history.Sessions.Count);
        var row = Assert.Single(history.Sessions, s => s.Session.Number == HistoryData.SessionNumber);
        Assert.True(row.Attended);
        Assert.Equal(HistoryData.ChairStandsIn30S, row.ChairStands);
        var knee = Assert.Single(row.Exercises, e => e.Exercise == ExerciseIds.KneeExtension);
        Assert.Equal((1, 3), (knee.Sets, knee.Reps));
        Assert.Equal(HistoryData.KneeExtensionRomDeg.Average(), knee.MeanRomDeg, precision: 6);
        Assert.Equal(2, knee.FlagCounts["partial_range"]);
        Assert.Equal(HistoryData.SitToStands, Assert.Single(row.Exercises, e => e.Exercise == ExerciseIds.SitToStand).Reps);
        Assert.Contains(("partial_range", 2), history.FlagTotals);
        Assert.True(history.TargetRomDeg.ContainsKey(ExerciseIds.KneeExtension), "the demo circuit sets a knee-extension target");
        Assert.Equal(session.SessionKey, row.Session.SessionKey);
    }
}
