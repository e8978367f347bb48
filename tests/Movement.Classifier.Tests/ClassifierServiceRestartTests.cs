using Movement.Classifier.Tests.Pipeline;
using Movement.Motion.Sensors;
using Movement.Protocol;
using static Movement.Classifier.Tests.ClassifierServiceTests;

namespace Movement.Classifier.Tests;

/// <summary>The classifier restarted while mosquitto keeps its persistent session (issue 14, part 5).</summary>
[Trait("Category", "Integration")]
public sealed class ClassifierServiceRestartTests
{
    [Fact]
    public async Task ExecuteAsync_RestartedWhileMosquittoKeptItsSession_CountsTheQueuedRepsAndTheNewOnes()
    {
        await using var rig = await ClassifierRig.StartAsync(ClassifierRig.KneeExtensionSession(new RosterEntry("p-1", "imu-1", Placement.Shank, Side.Right, "A")), mosquitto: true);
        // Three sets of 3 knee extensions, 30 s apart: before the restart, while the classifier is down (mosquitto
        // queues them for its session), and after.
        var sets = Enumerable.Range(0, 3).Select(i => Shift(TestSignals.Reps(3, 60, 50), i * 30_000_000L)).ToList();
        var sequence = await WaitUntilClassifierHasSessionAsync(rig.Gateway, rig.Events, sets[0][0]);
        var batchesPerSet = (uint)sets[0].Chunk(25).Count();
        await PublishSamplesAsync(rig.Gateway, "imu-1", sequence, sets[0]);
        var before = await NextRepsAsync(rig, 3);

        await rig.RestartClassifierAsync(() => PublishSamplesAsync(rig.Gateway, "imu-1", sequence + batchesPerSet, sets[1]));
        await PublishSamplesAsync(rig.Gateway, "imu-1", sequence + (2 * batchesPerSet), sets[2]);
        var after = await NextRepsAsync(rig, 6);

        Assert.All(before, r => Assert.InRange(r.Time.ToUnixTimeMilliseconds() * 1000, sets[0][0].TimestampUs, sets[0][^1].TimestampUs));
        Assert.Equal(3, after.Count(r => r.Time.ToUnixTimeMilliseconds() * 1000 is var us && us >= sets[1][0].TimestampUs && us <= sets[1][^1].TimestampUs));
        Assert.Equal(3, after.Count(r => r.Time.ToUnixTimeMilliseconds() * 1000 >= sets[2][0].TimestampUs));
        Assert.Equal(9, before.Concat(after).Select(r => r.Id).Distinct().Count());
    }

    private static List<ImuSample> Shift(List<ImuSample> samples, long byUs) => [.. samples.Select(s => s with { TimestampUs = s.TimestampUs + byUs })];

    /// <summary>The next <paramref name="count"/> rep events; other events pass by.</summary>
    private static async Task<List<RepEvent>> NextRepsAsync(ClassifierRig rig, int count)
    {
        var reps = new List<RepEvent>();
        while (reps.Count < count)
        {
            (string Topic, byte[] Payload) next;
            try
            {
                next = await rig.Events.NextAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException e)
            {
                throw new Xunit.Sdk.XunitException($"{reps.Count} of {count} reps ({string.Join(", ", reps.Select(r => r.Id))}): {e.Message}");
            }

            var payload = next.Payload;
            Assert.True(ProtocolJson.TryDecodeEvent(payload, out var decoded, out var error), error);
            if (decoded is RepEvent rep)
            {
                reps.Add(rep);
            }
        }

        return reps;
    }
}
