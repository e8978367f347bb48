using Movement.Protocol;

namespace Movement.Motion.Sensors;

/// <summary>
/// Movement that is no exercise: a sensor turned about random, changing axes (each axis' rate a sum of three
/// sinusoids), e.g. carried in a hand, dropped in a bag, fiddled with. The accelerometer reads gravity in the turning
/// frame plus white noise, the gyroscope the rate. Seeded: same seed, same samples. Used to teach the exercise
/// recogniser what "unknown" looks like and to test it.
/// </summary>
public static class TumblingSensor
{
    private const double Gravity = Movement.Protocol.Gravity.StandardMps2;

    /// <param name="random">Draws the motion and the noise.</param>
    /// <param name="seconds">Length.</param>
    /// <param name="sampleRateHz">Samples per second.</param>
    /// <param name="maxRateRadPerS">Largest amplitude of each of the nine sinusoids (rad/s).</param>
    /// <param name="minHz">Lowest sinusoid frequency.</param>
    /// <param name="maxHz">Highest sinusoid frequency.</param>
    public static List<ImuSample> Record(Random random, double seconds, double sampleRateHz, double maxRateRadPerS = 2, double minHz = 0.2, double maxHz = 2)
    {
        var f = new double[9];
        var phase = new double[9];
        var amplitude = new double[9];
        for (var i = 0; i < 9; i++)
        {
            f[i] = 2 * Math.PI * (minHz + ((maxHz - minHz) * random.NextDouble()));
            phase[i] = 2 * Math.PI * random.NextDouble();
            amplitude[i] = maxRateRadPerS * random.NextDouble();
        }

        // g: gravity's reaction ("up") in the sensor frame; it turns opposite to the sensor: dg/dt = g × ω.
        var (gx, gy, gz) = RandomUnit(random);
        var samples = new List<ImuSample>((int)(seconds * sampleRateHz));
        var dt = 1 / sampleRateHz;
        for (var i = 0; i < seconds * sampleRateHz; i++)
        {
            var t = i * dt;
            double wx = 0, wy = 0, wz = 0;
            for (var j = 0; j < 3; j++)
            {
                wx += amplitude[j] * Math.Sin((f[j] * t) + phase[j]);
                wy += amplitude[j + 3] * Math.Sin((f[j + 3] * t) + phase[j + 3]);
                wz += amplitude[j + 6] * Math.Sin((f[j + 6] * t) + phase[j + 6]);
            }

            samples.Add(new ImuSample((long)Math.Round(t * 1e6),
                (float)((gx * Gravity) + Gaussian(random, 0.03)), (float)((gy * Gravity) + Gaussian(random, 0.03)), (float)((gz * Gravity) + Gaussian(random, 0.03)),
                (float)wx, (float)wy, (float)wz));
            double nx = gx + (((gy * wz) - (gz * wy)) * dt), ny = gy + (((gz * wx) - (gx * wz)) * dt), nz = gz + (((gx * wy) - (gy * wx)) * dt);
            var norm = Math.Sqrt((nx * nx) + (ny * ny) + (nz * nz));
            (gx, gy, gz) = (nx / norm, ny / norm, nz / norm);
        }

        return samples;
    }

    /// <summary>A uniformly random direction.</summary>
    public static (double X, double Y, double Z) RandomUnit(Random random)
    {
        double x = Gaussian(random, 1), y = Gaussian(random, 1), z = Gaussian(random, 1);
        var norm = Math.Max(1e-9, Math.Sqrt((x * x) + (y * y) + (z * z)));
        return (x / norm, y / norm, z / norm);
    }

    private static double Gaussian(Random random, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
