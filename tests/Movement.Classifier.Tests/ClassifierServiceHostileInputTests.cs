using System.Buffers.Binary;
using Movement.Classifier.Tests.Pipeline;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Protocol;
using Movement.Tests;
using static Movement.Classifier.Tests.ClassifierServiceTests;

namespace Movement.Classifier.Tests;

/// <summary>
/// Issue 14's "one message silences a participant", through the real (embedded) broker and the classifier service:
/// two people do the same real knee extensions (UCI subject 1, e1, shank), one of them is sent a hostile batch
/// half-way, and afterwards they must still be counted alike.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClassifierServiceHostileInputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Site = "site-1";

    /// <summary>25 samples at 25 Hz: one second per batch, as the gateway batches a UCI-rate sensor.</summary>
    private const int BatchSamples = 25;

    private static readonly SessionState Session = ClassifierRig.KneeExtensionSession(
        new RosterEntry("p-1", "imu-1", Placement.Shank, Side.Right, "A"),
        new RosterEntry("p-2", "imu-2", Placement.Shank, Side.Right, "A"));

    private static readonly IReadOnlyList<ImuSample> Recording = UciPhysicalTherapyFile
        .Read(Path.Combine(TestRecordings.Root, "uci-physical-therapy", "s1", "e1", "u2", "test.txt"), TestSignals.StartUs).EnsureValid().Samples;

    /// <summary>Each attack through the embedded broker and through mosquitto (the ACL of docs/operations.md).</summary>
    public static TheoryData<string, string> Attacks()
    {
        var attacks = new TheoryData<string, string>();
        foreach (var broker in Brokers)
        {
            foreach (var name in HostilePayloads.Keys)
            {
                attacks.Add(broker, name);
            }
        }

        return attacks;
    }

    private static readonly string[] Brokers = ["embedded", "mosquitto"];

    /// <summary>
    /// Each case: the hostile payloads sent on the attacked sensor's topic just before the batch with
    /// <c>next</c> sequence number, whose real samples are <c>real</c>; <c>earlier</c> is a batch sent a minute before.
    /// </summary>
    private static readonly Dictionary<string, Func<uint, ImuSample[], ImuSample[], IEnumerable<byte[]>>> HostilePayloads = new()
    {
        ["stamped in the year 9999"] = (next, real, _) => [Encode(next, [real[0] with { TimestampUs = 253_402_000_000_000_000 }])],
        ["sequence jumps by 999,999"] = (next, real, _) => [Encode(next + 999_999, real)],
        ["gyroscope 3e38 rad/s"] = (next, real, _) => [Encode(next, [.. real[..^1], real[^1] with { GyroX = 3e38f }])],
        ["gyroscope 1e6 rad/s"] = (next, real, _) => [Encode(next, [.. real[..^1], real[^1] with { GyroY = 1e6f }])],
        ["not a number"] = (next, real, _) => [Encode(next, [real[0] with { AccelZ = float.NaN }, .. real[1..]])],
        ["negative start time"] = (next, real, _) => [Encode(next, [.. real.Select(s => s with { TimestampUs = s.TimestampUs - real[0].TimestampUs - 1_000_000 })])],
        ["backwards: a batch from a minute before, next in sequence"] = (next, _, earlier) => [Encode(next, earlier)],
        ["1000 random bodies behind valid headers"] = (next, real, _) => RandomBodies(next, real[0].TimestampUs, 1000),
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task HandleAsync_HostileBatchOnOneSensor_ThatParticipantCountsOnLikeTheControl(string broker, string attack)
    {
        await using var rig = await ClassifierRig.StartAsync(Session, mosquitto: broker == "mosquitto");
        var sequence = await WaitUntilClassifierHasSessionAsync(rig.Gateway, rig.Events, Recording[0]);
        var batches = Recording.Chunk(BatchSamples).ToArray();
        var attackAt = batches.Length / 2;
        var attackTime = DateTimeOffset.FromUnixTimeMilliseconds(batches[attackAt][0].TimestampUs / 1000);

        for (var i = 0; i < batches.Length; i++, sequence++)
        {
            if (i == attackAt)
            {
                foreach (var hostile in HostilePayloads[attack](sequence, batches[i], batches[i - 60]))
                {
                    await PublishAsync(rig, "imu-1", hostile);
                }
            }

            await PublishAsync(rig, "imu-1", Encode(sequence, batches[i]));
            await PublishAsync(rig, "imu-2", Encode(sequence, batches[i]));
        }

        var (reps, _) = await CollectUntilPlanChangeAsync(rig, Session, Recording[^1], sequence, ["imu-1", "imu-2"]);

        var control = reps.Where(r => r.Participant == "p-2").ToList();
        var attacked = reps.Where(r => r.Participant == "p-1").ToList();
        var controlAfter = control.Count(r => r.Time > attackTime);
        Assert.True(controlAfter >= 10, $"the control counted only {controlAfter} reps after the attack: the recording is not the one meant");
        Assert.Equal(controlAfter, attacked.Count(r => r.Time > attackTime));
        Assert.Equal(control.Select(r => (r.RepNumber, r.StartTime, r.Time)), attacked.Select(r => (r.RepNumber, r.StartTime, r.Time)));
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task HandleAsync_20000MadeUpSensorsAnd1000RandomPayloads_KeepsStateForTheRosterOnlyAndCountsOn(string broker)
    {
        // Issue 14: 20,000 made-up sensor ids took the classifier from 245 MB to 1.49 GB, and random payloads silenced
        // participants. Half-way through the class, a gateway account sends a batch from each of 20,000 sensors nobody
        // wears, then 1000 random payloads on the participants' and made-up sensors' topics.
        await using var rig = await ClassifierRig.StartAsync(Session, mosquitto: broker == "mosquitto");
        var sequence = await WaitUntilClassifierHasSessionAsync(rig.Gateway, rig.Events, Recording[0]);
        var batches = Recording.Chunk(BatchSamples).ToArray();
        var floodAt = batches.Length / 2;
        var floodTime = DateTimeOffset.FromUnixTimeMilliseconds(batches[floodAt][0].TimestampUs / 1000);
        var before = Memory();
        var random = new Random(20_000);
        for (var i = 0; i < batches.Length; i++, sequence++)
        {
            if (i == floodAt)
            {
                for (var fake = 0; fake < 20_000; fake++)
                {
                    await PublishAsync(rig, $"made-up-{fake}", Encode((uint)fake, batches[i]));
                }

                for (var n = 0; n < 1000; n++)
                {
                    var payload = new byte[random.Next(0, 4096)];
                    random.NextBytes(payload);
                    await PublishAsync(rig, random.Next(3) switch { 0 => "imu-1", 1 => "imu-2", _ => $"made-up-{n}" }, payload);
                }
            }

            await PublishAsync(rig, "imu-1", Encode(sequence, batches[i]));
            await PublishAsync(rig, "imu-2", Encode(sequence, batches[i]));
        }

        var (reps, _) = await CollectUntilPlanChangeAsync(rig, Session, Recording[^1], sequence, ["imu-1", "imu-2"]);
        var after = Memory();
        output.WriteLine($"{broker}: managed heap {before.HeapMb:F1} -> {after.HeapMb:F1} MB, process working set {before.WorkingSetMb:F0} -> {after.WorkingSetMb:F0} MB (classifier and test, and the embedded broker when it is the one)");

        Assert.Equal((2, 2), (rig.Classifier.GuardedStreams, rig.Classifier.Participants));
        var afterFlood = reps.Where(r => r.Time > floodTime).GroupBy(r => r.Participant).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(afterFlood.GetValueOrDefault("p-2") >= 10, $"the control counted {afterFlood.GetValueOrDefault("p-2")} reps after the flood");
        Assert.Equal(afterFlood.GetValueOrDefault("p-2"), afterFlood.GetValueOrDefault("p-1"));
    }

    private static (double HeapMb, double WorkingSetMb) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, process.WorkingSet64 / 1048576.0);
    }

    private static byte[] Encode(uint sequence, ImuSample[] samples) =>
        SampleBatchCodec.Encode(new SampleBatch(sequence, (float)UciPhysicalTherapyFile.SampleRateHz, true, samples));

    /// <summary>
    /// Valid headers (this stream's sequence and time, a sample count of 1–4 and the length it needs) over random
    /// bytes: mostly values that are not finite or out of range, sometimes a plausible sample up to 71 minutes ahead.
    /// </summary>
    private static IEnumerable<byte[]> RandomBodies(uint sequence, long firstUs, int count)
    {
        var random = new Random(14);
        for (var i = 0; i < count; i++)
        {
            var samples = random.Next(1, 5);
            var payload = new byte[SampleBatchCodec.HeaderSize + (samples * SampleBatchCodec.SampleSize(hasGyro: true))];
            random.NextBytes(payload);
            payload[0] = SampleBatchCodec.FormatVersion;
            payload[1] = 0x01; // gyroscope present
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(2), (ushort)samples);
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(4), (float)UciPhysicalTherapyFile.SampleRateHz);
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(8), sequence);
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(12), firstUs);
            yield return payload;
        }
    }

    private static Task PublishAsync(ClassifierRig rig, string sensor, byte[] payload) =>
        rig.Gateway.Connection.PublishAsync(Topics.SensorSamples(Site, sensor), payload, retain: false, CancellationToken.None);
}
