using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>
/// A test signal, not a body model: a sensor turning about its own x axis through smooth reps (raised-cosine
/// angle profile with rest between), so the expected rep count, range and timing are known exactly.
/// </summary>
internal static class TestSignals
{
    private const double Gravity = 9.80665;

    /// <summary>
    /// Where test signals and recordings start: a few hours before now, whole seconds. The service takes only batches
    /// near its clock (SampleStreamGuard), as live data is; a signal of any length up to then ends in the past.
    /// </summary>
    public static readonly long StartUs = (TimeProvider.System.GetUtcNow() - TimeSpan.FromHours(3)).ToUnixTimeSeconds() * 1_000_000;

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
            var us = StartUs + (long)Math.Round(t * 1e6);
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

    /// <summary>
    /// Heel raises seen from a knee sensor: no rotation at all, only the leg going up by <paramref name="riseM"/>
    /// (smooth rise, hold, smooth lowering, rest), so the accelerometer reads gravity plus the vertical acceleration.
    /// </summary>
    public static List<ImuSample> HeelRaises(int count, double riseM, double sampleRateHz, double moveS = 1.0, double holdS = 1.0, double restS = 1.5, int noiseSeed = 1)
    {
        var samples = new List<ImuSample>();
        var random = new Random(noiseSeed);
        var dt = 1 / sampleRateHz;
        var t = 0.0;
        void Emit(double verticalAccel)
        {
            var noise = 0.03 * ((random.NextDouble() * 2) - 1);
            var us = StartUs + (long)Math.Round(t * 1e6);
            samples.Add(new ImuSample(us, 0, 0, (float)(Gravity + verticalAccel + noise), 0, 0, 0));
            t += dt;
        }

        void Still(double seconds)
        {
            for (var end = t + seconds; t < end;)
            {
                Emit(0);
            }
        }

        void Move(double distanceM)
        {
            // h(s) = d (1 - cos(pi s / T)) / 2, so h'' = d (pi / T)^2 cos(pi s / T) / 2.
            for (var start = t; t < start + moveS;)
            {
                var phase = (t - start) / moveS * Math.PI;
                Emit(distanceM * Math.Pow(Math.PI / moveS, 2) * Math.Cos(phase) / 2);
            }
        }

        Still(restS + 2);
        for (var rep = 0; rep < count; rep++)
        {
            Move(riseM);
            Still(holdS);
            Move(-riseM);
            Still(restS);
        }

        return samples;
    }
}
