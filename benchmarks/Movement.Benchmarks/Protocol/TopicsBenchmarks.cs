using BenchmarkDotNet.Attributes;
using Movement.Protocol;

namespace Movement.Benchmarks.Protocol;

/// <summary>Topic parsing runs once per MQTT message in the broker's ACL check, the classifier and the recorder.</summary>
[MemoryDiagnoser]
public class TopicsBenchmarks
{
    private readonly string _samplesTopic = Topics.SensorSamples("site-1", "thingy-0042");
    private readonly string _eventTopic = Topics.ParticipantEvent("site-1", "p-0042", RepEvent.TypeName);
    private readonly string _foreignTopic = "homeassistant/sensor/kitchen/temperature/state";

    [Benchmark(Baseline = true)]
    public bool TryParse_SensorSamples() => Topics.TryParse(_samplesTopic, out _, out _);

    [Benchmark]
    public bool TryParse_ParticipantEvent() => Topics.TryParse(_eventTopic, out _, out _);

    [Benchmark]
    public bool TryParse_ForeignTopic() => Topics.TryParse(_foreignTopic, out _, out _);

    [Benchmark]
    public string Build_SensorSamples() => Topics.SensorSamples("site-1", "thingy-0042");

    [Benchmark]
    public bool IsValidId() => Topics.IsValidId("thingy-0042");
}
