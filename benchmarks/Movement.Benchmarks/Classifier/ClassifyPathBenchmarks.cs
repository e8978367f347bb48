using BenchmarkDotNet.Attributes;
using Movement.Benchmarks.Motion;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// The classify path in samples/s, fed 10-sample batches as the service feeds it: each operation is one sample (OperationsPerInvoke), so
/// 1 / Mean is the single-core rate (target: ≥ 1,000,000 samples/s per core, issue 8).
/// Input is a minute of knee extensions at 100 Hz, which holds repetitions, so the rep branch runs too.
/// </summary>
[MemoryDiagnoser]
public class ClassifyPathBenchmarks
{
    private const int SecondsPerStream = 60;
    private const int SamplesPerStream = SecondsPerStream * 100;
    private const int BatchSize = 10;
    private const int InterleavedStreams = 500;
    private const int InterleavedSamples = InterleavedStreams * SamplesPerStream / 10;

    private ImuSample[] _stream = null!;
    private byte[][] _payloads = null!;
    private ImuSample[] _decodeBuffer = null!;
    private ImuSample[][] _interleaved = null!;
    private ImuSample[] _pairThigh = null!;
    private ImuSample[] _pairShank = null!;

    /// <summary>Samples of each of a pair's streams: 30 s of a squat set at 100 Hz.</summary>
    private const int PairSamplesPerStream = 3000;
    private readonly ClassifyPath[] _paths = new ClassifyPath[InterleavedStreams];

    [GlobalSetup]
    public void Setup()
    {
        const long startUs = 1_764_400_000_000_000;
        _stream = new KneeExtensionMotion(seed: 11).Samples(startUs, SamplesPerStream);
        _payloads = _stream.Chunk(BatchSize)
            .Select((samples, i) => SampleBatchCodec.Encode(new SampleBatch((uint)i, 100f, HasGyro: true, samples)))
            .ToArray();
        _decodeBuffer = new ImuSample[BatchSize];

        // 500 sensors' streams of 6 s each, to be fed a batch at a time in turn as the classifier sees them.
        _interleaved = Enumerable.Range(0, InterleavedStreams)
            .Select(i => new KneeExtensionMotion(seed: 100 + i).Samples(startUs, SamplesPerStream / 10))
            .ToArray();

        var (thigh, shank) = ClassifyPath.PairMotion(seed: 11, startUs, reps: 10);
        if (thigh.Length < PairSamplesPerStream || shank.Length < PairSamplesPerStream)
        {
            throw new InvalidOperationException($"the squat set lasts {thigh.Length} samples, fewer than {PairSamplesPerStream}");
        }

        (_pairThigh, _pairShank) = (thigh[..PairSamplesPerStream], shank[..PairSamplesPerStream]);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SamplesPerStream)]
    public int Classify_OneStream()
    {
        var path = ClassifyPath.Create();
        var reps = 0;
        for (var offset = 0; offset < _stream.Length; offset += BatchSize)
        {
            reps += path.Add(_stream.AsSpan(offset, Math.Min(BatchSize, _stream.Length - offset)));
        }

        return reps;
    }

    /// <summary>What the classifier does per MQTT message: decode the batch into a reused buffer, then classify.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerStream)]
    public int DecodeAndClassify_OneStream()
    {
        var path = ClassifyPath.Create();
        var reps = 0;
        foreach (var payload in _payloads)
        {
            SampleBatchCodec.TryDecode(payload, _decodeBuffer, out var header, out _);
            reps += path.Add(_decodeBuffer.AsSpan(0, header.Count));
        }

        return reps;
    }

    /// <summary>Many live streams in turn, a batch each: per-stream state no longer stays in cache.</summary>
    [Benchmark(OperationsPerInvoke = InterleavedSamples)]
    public int Classify_500StreamsInterleaved()
    {
        for (var s = 0; s < _paths.Length; s++)
        {
            _paths[s] = ClassifyPath.Create();
        }

        var reps = 0;
        var length = _interleaved[0].Length;
        for (var offset = 0; offset < length; offset += BatchSize)
        {
            for (var s = 0; s < _paths.Length; s++)
            {
                reps += _paths[s].Add(_interleaved[s].AsSpan(offset, BatchSize));
            }
        }

        return reps;
    }

    /// <summary>
    /// A thigh + shank participant at a squat station: both streams a batch each in turn, through the knee angle
    /// (hinge axis fit, segment tracking, knee segmentation) and both sensors' own pipelines. One operation is one
    /// sample of either stream, so this compares per sample with the one-sensor rows.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2 * PairSamplesPerStream)]
    public int ClassifyPair_OneParticipant()
    {
        var path = ClassifyPath.CreatePair();
        var reps = 0;
        for (var offset = 0; offset < PairSamplesPerStream; offset += BatchSize)
        {
            reps += path.Add(_pairThigh.AsSpan(offset, BatchSize), thigh: true);
            reps += path.Add(_pairShank.AsSpan(offset, BatchSize));
        }

        return reps;
    }
}
