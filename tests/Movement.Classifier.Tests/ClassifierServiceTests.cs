using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Tests.Pipeline;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Classifier.Tests;

/// <summary>The hosted service against a real (embedded MQTTnet) broker: samples in, events out.</summary>
public sealed class ClassifierServiceTests
{
    private const string Site = "site-1";

    [Fact]
    public async Task ExecuteAsync_SamplesOfAPlannedStation_PublishesRepsAndFlagsWithReplayStableIds()
    {
        await using var rig = await ClassifierRig.StartAsync(new RosterEntry("p-1", "imu-1", Placement.Shank, Side.Right, "A"));
        var (events, gateway) = (rig.Events, rig.Gateway);
        var samples = TestSignals.Reps(3, 60, 50);
        var expected = RecordingReplayIds(samples);
        var sequence = await WaitUntilClassifierHasSessionAsync(gateway, events, samples[0]);
        await PublishSamplesAsync(gateway, "imu-1", sequence, samples);

        var seen = new List<string>();
        var reps = new List<RepEvent>();
        var flags = new List<FormFlagEvent>();
        while (reps.Count < 3 || flags.Count < 3)
        {
            (string Topic, byte[] Payload) next;
            try
            {
                next = await events.NextAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"after {reps.Count} reps and {flags.Count} flags ({string.Join(", ", seen)}): {e.Message}");
            }

            var (topic, payload) = next;
            seen.Add(topic);
            Assert.True(ProtocolJson.TryDecodeEvent(payload, out var decoded, out var error), error);
            switch (decoded)
            {
                case RepEvent rep:
                    Assert.EndsWith("/participants/p-1/events/rep", topic);
                    reps.Add(rep);
                    break;
                case FormFlagEvent flag:
                    flags.Add(flag);
                    break;
            }
        }

        Assert.Equal(expected, reps.Select(r => r.Id));
        Assert.All(reps, r => Assert.Equal(ExerciseIds.KneeExtension, r.Exercise));
        Assert.Equal([1, 2, 3], reps.Select(r => r.RepNumber));
        Assert.All(flags, f => Assert.Equal(FormFlagIds.PartialRange, f.Flag.Flag)); // 60° of a 90° target
        Assert.Equal(expected.Select(id => $"{id}-{FormFlagIds.PartialRange}"), flags.Select(f => f.Id));
    }

    [Fact]
    public async Task ExecuteAsync_RecognisedExerciseDiffersFromTheStations_NoFlagsAgainstTheStationTarget()
    {
        // Two people at a knee-extension station with a 90° target: one walks (the motion model's gait, which the
        // recogniser tells from the plan), the other does 60° knee extensions. Only the knee extensions are measured
        // against the station's 90°.
        await using var rig = await ClassifierRig.StartAsync(
            new RosterEntry("p-1", "imu-1", Placement.Shank, Side.Right, "A"),
            new RosterEntry("p-2", "imu-2", Placement.Shank, Side.Right, "A"));
        var (events, gateway) = (rig.Events, rig.Gateway);

        const int Seed = 4_242;
        var walk = SimulatedSession.Create(new SessionPlan([new ActivityPlan(ExerciseIds.Walking, DurationS: 90, RestAfterS: 2)]), ParticipantProfile.Random(Seed), Seed)
            .Record(SensorSpec.Random(new Random(Seed), Placement.Shank, 50), startUnixUs: 1_700_000_000_000_000).Samples;
        var kneeExtensions = TestSignals.Reps(3, 60, 50);
        var sequence = await WaitUntilClassifierHasSessionAsync(gateway, events, walk[0]);
        await PublishSamplesAsync(gateway, "imu-1", sequence, walk);
        // The classifier handles one message at a time, in the order this one client published them, and queues its
        // events in that order: once the knee extensions' events are in, every walking event is too.
        await PublishSamplesAsync(gateway, "imu-2", 0, kneeExtensions);

        var received = new List<MovementEvent>();
        while (received.OfType<FormFlagEvent>().Count(f => f.Participant == "p-2") < 3)
        {
            (string Topic, byte[] Payload) next;
            try
            {
                next = await events.NextAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException e)
            {
                throw new Xunit.Sdk.XunitException($"after {string.Join(", ", received.Select(r => $"{r.Participant}:{r.EventType}"))}: {e.Message}");
            }

            Assert.True(ProtocolJson.TryDecodeEvent(next.Payload, out var decoded, out var error), error);
            received.Add(decoded!);
        }

        var walker = received.Where(e => e.Participant == "p-1").ToList();
        Assert.Contains(walker.OfType<ExerciseChangeEvent>(), c => c.To == ExerciseIds.Walking);
        var walkingReps = walker.OfType<RepEvent>().Where(r => r.Exercise == ExerciseIds.Walking).ToList();
        Assert.NotEmpty(walkingReps);
        Assert.All(walkingReps, r => Assert.DoesNotContain(r.Flags, f => f.Flag == FormFlagIds.PartialRange));
        Assert.All(walkingReps, r => Assert.Null(r.TargetRomDeg));
        var walkingRepIds = walkingReps.Select(r => r.Id).ToHashSet();
        Assert.DoesNotContain(walker.OfType<FormFlagEvent>(), f => walkingRepIds.Contains(f.RepId) && f.Flag.Flag == FormFlagIds.PartialRange);

        var exerciser = received.Where(e => e.Participant == "p-2").ToList();
        var kneeReps = exerciser.OfType<RepEvent>().ToList();
        Assert.Equal(3, kneeReps.Count);
        Assert.All(kneeReps, r => Assert.Equal(ExerciseIds.KneeExtension, r.Exercise));
        Assert.All(kneeReps, r => Assert.Equal(90, r.TargetRomDeg));
        Assert.All(exerciser.OfType<FormFlagEvent>(), f => Assert.Equal(FormFlagIds.PartialRange, f.Flag.Flag)); // 60° of 90°
    }

    /// <summary>Publishes the samples as 0.5 s batches (25 at 50 Hz) numbered from <paramref name="sequence"/>.</summary>
    private static async Task PublishSamplesAsync(MqttProbe gateway, string sensor, uint sequence, IEnumerable<ImuSample> samples)
    {
        foreach (var chunk in samples.Chunk(25))
        {
            var batch = new SampleBatch(sequence++, 50, true, chunk);
            await gateway.Connection.PublishAsync(Topics.SensorSamples(Site, sensor), SampleBatchCodec.Encode(batch), retain: false, CancellationToken.None);
        }
    }

    /// <summary>
    /// The signal that the classifier is subscribed and knows the session (messages from different clients are not
    /// ordered, and the host starts before its connection is up): one resting sample at a time, well before the test
    /// signal, until the classifier answers with the station's exercise change. The probes leave no trace on the
    /// stream: they are still, and the gap after them restarts the pipeline. Returns the next batch sequence number.
    /// </summary>
    private static async Task<uint> WaitUntilClassifierHasSessionAsync(MqttProbe gateway, MqttProbe events, ImuSample first)
    {
        for (uint probe = 0; probe < 40; probe++)
        {
            var still = new ImuSample(first.TimestampUs - 60_000_000 + (probe * 20_000), first.AccelX, first.AccelY, first.AccelZ, 0, 0, 0);
            await gateway.Connection.PublishAsync(Topics.SensorSamples(Site, "imu-1"), SampleBatchCodec.Encode(new SampleBatch(probe, 50, true, [still])), retain: false, CancellationToken.None);
            try
            {
                var (topic, payload) = await events.NextAsync(TimeSpan.FromSeconds(0.5));
                Assert.True(ProtocolJson.TryDecodeEvent(payload, out var decoded, out var error), error);
                var change = Assert.IsType<ExerciseChangeEvent>(decoded);
                Assert.EndsWith("/participants/p-1/events/exercise_change", topic);
                Assert.Equal(ExerciseIds.KneeExtension, change.To);
                return probe + 1;
            }
            catch (OperationCanceledException)
            {
                // No answer yet: the classifier had not subscribed, or the probe arrived before the session.
            }
        }

        throw new Xunit.Sdk.XunitException("the classifier never acknowledged the session's station plan");
    }

    private static List<string> RecordingReplayIds(List<ImuSample> samples)
    {
        var classifier = new StreamClassifier("imu-1");
        return [.. samples.Select(s => classifier.Add(s)).OfType<ClassifiedRep>().Select(r => r.Id)];
    }

    /// <summary>
    /// An embedded broker, the classifier host, the probes a test talks through, and a running session whose only
    /// station, A, plans knee extensions with a 90° target.
    /// </summary>
    private sealed class ClassifierRig : IAsyncDisposable
    {
        private readonly EmbeddedBrokerServer _broker;
        private readonly IHost _host;
        private readonly MqttProbe _supervisor;

        private ClassifierRig(EmbeddedBrokerServer broker, IHost host, MqttProbe events, MqttProbe gateway, MqttProbe supervisor)
        {
            (_broker, _host, Events, Gateway, _supervisor) = (broker, host, events, gateway, supervisor);
        }

        /// <summary>Receives every event of the site.</summary>
        public MqttProbe Events { get; }

        /// <summary>Publishes sample batches with the gateway's rights.</summary>
        public MqttProbe Gateway { get; }

        public static async Task<ClassifierRig> StartAsync(params RosterEntry[] roster)
        {
            var broker = await EmbeddedBrokerServer.StartAsync();
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Movement:Mqtt:Host"] = "127.0.0.1",
                ["Movement:Mqtt:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Movement:Classifier:Site"] = Site,
                ["Movement:Classifier:Mqtt:Username"] = MosquittoServer.ServiceUser,
                ["Movement:Classifier:Mqtt:Password"] = MosquittoServer.Password,
            });
            builder.Services.AddClassifier();
            var rig = new ClassifierRig(
                broker,
                builder.Build(),
                await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "events", [Topics.AllEvents(Site)]),
                await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.GatewayUser), "gateway"),
                await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "supervisor"));
            await rig._host.StartAsync();
            var session = new SessionState
            {
                SessionId = "s-1",
                Active = true,
                Time = DateTimeOffset.UnixEpoch,
                Roster = roster,
                Stations = [new StationPlan("A", ExerciseIds.KneeExtension, 10, TargetRomDeg: 90)],
            };
            await rig._supervisor.Connection.PublishAsync(Topics.Session(Site), ProtocolJson.Encode(session), retain: true, CancellationToken.None);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
            await Events.DisposeAsync();
            await Gateway.DisposeAsync();
            await _supervisor.DisposeAsync();
            await _broker.DisposeAsync();
        }
    }
}
