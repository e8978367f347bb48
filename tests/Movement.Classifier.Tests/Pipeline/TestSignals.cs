using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>
/// A test signal, not a body model: a sensor turning about its own x axis through smooth reps (raised-cosine
/// angle profile with rest between), so the expected rep count, range and timing are known exactly.
/// </summary>
internal static class TestSignals
{
    private const double Gravity = 9.80665;

    public static List<ImuSample> Reps(int count, double romDeg, double sampleRateHz, bool gyro = true, double repS = 3, double restS = 2, double holdS = 0, Func<int, double>? romOfRep = null)
    {
        var samples = new List<ImuSample>();
        var dt = 1 / sampleRateHz;
        var t = 0.0;
        void Emit(double angleRad, double rateRadS)
        {
            // Gravity in the sensor frame after the sensor turned by angle about x: it turns the other way.
            var ay = Gravity * Math.Sin(angleRad);
            var az = Gravity * Math.Cos(angleRad);
            var us = 1_700_000_000_000_000L + (long)Math.Round(t * 1e6);
            samples.Add(gyro ? new ImuSample(us, 0, (float)ay, (float)az, (float)rateRadS, 0, 0) : new ImuSample(us, 0, (float)ay, (float)az));
            t += dt;
        }

        void Rest(double seconds)
        {
            for (var end = t + seconds; t < end;)
            {
                Emit(0, 0);
            }
        }

        Rest(restS);
        for (var rep = 0; rep < count; rep++)
        {
            var rom = (romOfRep?.Invoke(rep) ?? romDeg) * Math.PI / 180;
            var half = repS / 2;
            for (var start = t; t < start + half;)
            {
                var phase = (t - start) / half * Math.PI;
                Emit(rom * (1 - Math.Cos(phase)) / 2, rom * Math.Sin(phase) * Math.PI / (2 * half));
            }

            for (var end = t + holdS; t < end;)
            {
                Emit(rom, 0);
            }

            for (var start = t; t < start + half;)
            {
                var phase = (t - start) / half * Math.PI;
                Emit(rom * (1 + Math.Cos(phase)) / 2, -rom * Math.Sin(phase) * Math.PI / (2 * half));
            }

            Rest(restS);
        }

        return samples;
    }
}
