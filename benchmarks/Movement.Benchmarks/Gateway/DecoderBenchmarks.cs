// Placeholder: sensor decoder suites (issue 8: "each decoder (ns/frame, 0 B allocated on the hot path)").
//
// The gateway's GATT decoders are being rewritten on the `gateway` branch; once merged, add here one
// [MemoryDiagnoser] class per decoder family, e.g.
//
//   [MemoryDiagnoser]
//   public class DecoderBenchmarks
//   {
//       // one captured notification per sensor kind, from /work/shared/data or the decoder's test vectors
//       [Benchmark(Baseline = true)] public bool Thingy52_Motion() => decoder.TryDecode(frame, samplesSpan, ...);
//       [Benchmark] public bool MetaMotion_Accel() => ...;
//   }
//
// One operation = one frame, so Mean is ns/frame; the Allocated column must read "-" (0 B).
namespace Movement.Benchmarks.Gateway;
