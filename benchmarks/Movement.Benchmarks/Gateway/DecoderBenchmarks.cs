using BenchmarkDotNet.Attributes;
using Movement.Benchmarks.Motion;
using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Benchmarks.Gateway;

/// <summary>
/// The gateway's GATT decoders, one operation per notification (frame), so Mean is ns/frame. The hot path
/// decodes into a caller's sample or span: the Allocated column must read "-" (0 B).
/// Frames are built from knee-extension samples with the decoders' own encoders where they have one.
/// </summary>
[MemoryDiagnoser]
public class DecoderBenchmarks
{
    private const int PolarSamplesPerFrame = 36; // 16-bit xyz frames fill a 232-byte MTU at about this many
    private const int MovesenseSamplesPerNotification = 8;
    private readonly ImuSample[] _destination = new ImuSample[64];
    private readonly PolarAccStream _polar = new(sampleRateHz: 52);
    private byte[] _thingyFrame = null!;
    private byte[] _infiniTimeFrame = null!;
    private byte[] _polarFrame = null!;
    private byte[] _movesenseNotification = null!;

    [GlobalSetup]
    public void Setup()
    {
        var samples = new KneeExtensionMotion(seed: 3).Samples(1_764_400_000_000_000, 64);
        _thingyFrame = new byte[Thingy52.RawMotionLength];
        Thingy52.EncodeRawMotion(samples[20], _thingyFrame);
        _infiniTimeFrame = [0x10, 0x00, 0xF0, 0xFF, 0x00, 0x04];

        _polarFrame = new byte[PolarAccStream.HeaderLength + (PolarSamplesPerFrame * 6)];
        PolarAccStream.EncodeRawFrame(samples.AsSpan(0, PolarSamplesPerFrame), 820_000_000_000_000_000, _polarFrame);

        // GSP data notification: kind, reference, then /Meas/Acc payload (u32 ms timestamp, N × 3 f32).
        _movesenseNotification = new byte[2 + 4 + (MovesenseSamplesPerNotification * 12)];
        _movesenseNotification[0] = 0x02;
        _movesenseNotification[1] = 0x63;
        for (var i = 0; i < MovesenseSamplesPerNotification; i++)
        {
            var slot = _movesenseNotification.AsSpan(6 + (i * 12));
            BitConverter.TryWriteBytes(slot, samples[i].AccelX);
            BitConverter.TryWriteBytes(slot[4..], samples[i].AccelY);
            BitConverter.TryWriteBytes(slot[8..], samples[i].AccelZ);
        }

        if (float.IsNaN(Thingy52_RawMotion()) || float.IsNaN(InfiniTime_RawMotion()) || PolarPmd_AccFrame() != PolarSamplesPerFrame ||
            MovesenseGsp_AccNotification() != MovesenseSamplesPerNotification)
        {
            throw new InvalidOperationException("A benchmark frame does not decode: the decoders changed, rebuild the frames.");
        }
    }

    /// <summary>Returns a decoded value so the JIT cannot drop the decoding.</summary>
    [Benchmark(Baseline = true)]
    public float Thingy52_RawMotion() =>
        Thingy52.TryDecodeRawMotion(_thingyFrame, 1_764_400_000_000_000, out var sample, out _) ? sample.AccelX + sample.GyroZ : float.NaN;

    [Benchmark]
    public float InfiniTime_RawMotion() =>
        InfiniTime.TryDecodeRawMotion(_infiniTimeFrame, 1_764_400_000_000_000, out var sample, out _) ? sample.AccelX + sample.AccelZ : float.NaN;

    /// <summary>One 36-sample frame; the stream is reset so every call decodes the same frame as the first of a stream.</summary>
    [Benchmark]
    public int PolarPmd_AccFrame()
    {
        _polar.Reset();
        _polar.TryDecode(_polarFrame, _destination, out var count, out _);
        return count;
    }

    [Benchmark]
    public int MovesenseGsp_AccNotification()
    {
        if (!MovesenseGsp.TryDecodeNotification(_movesenseNotification, out var notification, out _))
        {
            return -1;
        }

        MovesenseGsp.TryDecodeAcc(notification.Payload, 104, 0, _destination, out var count, out _, out _);
        return count;
    }
}
