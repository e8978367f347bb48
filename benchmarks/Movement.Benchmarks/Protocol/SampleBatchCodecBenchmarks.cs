using BenchmarkDotNet.Attributes;
using Movement.Benchmarks.Motion;
using Movement.Protocol;

namespace Movement.Benchmarks.Protocol;

/// <summary>
/// The binary sample batch on the wire. The span overloads are the hot path (gateway encode, classifier
/// decode) and must allocate nothing; the array overloads are there to show what a copy costs.
/// </summary>
[MemoryDiagnoser]
public class SampleBatchCodecBenchmarks
{
    private SampleBatch _batch = null!;
    private byte[] _payload = null!;
    private byte[] _destination = null!;
    private ImuSample[] _decoded = null!;

    /// <summary>Samples per batch: 10 is the gateway's 100 ms batch at 100 Hz.</summary>
    [Params(10, 100)]
    public int Samples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var samples = new KneeExtensionMotion(seed: 7).Samples(1_764_400_000_000_000, Samples);
        _batch = new SampleBatch(42, 100f, HasGyro: true, samples);
        _payload = SampleBatchCodec.Encode(_batch);
        _destination = new byte[_payload.Length];
        _decoded = new ImuSample[Samples];
    }

    [Benchmark(Baseline = true)]
    public int Encode_IntoSpan() => SampleBatchCodec.Encode(_batch, _destination);

    [Benchmark]
    public int TryDecode_IntoSpan()
    {
        SampleBatchCodec.TryDecode(_payload, _decoded, out var header, out _);
        return header.Count;
    }

    [Benchmark]
    public int TryReadHeader()
    {
        SampleBatchCodec.TryReadHeader(_payload, out var header, out _);
        return header.Count;
    }

    [Benchmark]
    public byte[] Encode_NewArray() => SampleBatchCodec.Encode(_batch);

    [Benchmark]
    public SampleBatch? TryDecode_NewBatch()
    {
        SampleBatchCodec.TryDecode(_payload, out var batch, out _);
        return batch;
    }
}
