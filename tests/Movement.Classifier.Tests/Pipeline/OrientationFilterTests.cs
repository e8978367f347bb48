using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>The filter on its own: a sensor turning about its x axis, as gravity and the gyroscope would see it.</summary>
public sealed class OrientationFilterTests
{
    private const double G = Gravity.StandardMps2;
    private const double DtS = 0.02;

    /// <summary>Gravity in the sensor frame after the sensor turned by <paramref name="angleRad"/> about x (it turns the other way).</summary>
    private static Vec3 Accel(double angleRad) => new(0, G * Math.Sin(angleRad), G * Math.Cos(angleRad));

    private static double AngleDeg(Vec3 a, Vec3 b) => Math.Acos(Math.Clamp(a.Normalized().Dot(b.Normalized()), -1, 1)) * 180 / Math.PI;

    [Fact]
    public void Update_FirstSample_GravityIsTheAccelerometersDirection()
    {
        var filter = new OrientationFilter();

        filter.Update(new Vec3(3, 0, 4), new Vec3(0.1, 0, 0), hasGyro: true, DtS);

        Assert.True(filter.Initialized);
        Assert.InRange((filter.Gravity - new Vec3(0.6, 0, 0.8)).Length, 0, 1e-12);
        Assert.Equal(new Vec3(0.1, 0, 0), filter.AngularVelocity);
    }

    /// <summary>Without a gyroscope gravity is a low-pass of the accelerometer (0.08 s): it lags 0.08 rad ≈ 4.6° at 1 rad/s.</summary>
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 6)]
    public void Update_TurningAt1RadPerSecond_GravityFollowsWithinItsLag(bool hasGyro, double maxLagDeg)
    {
        var filter = new OrientationFilter();
        const double rate = 1.0;
        for (var i = 0; i <= 50; i++) // 1 s
        {
            filter.Update(Accel(rate * i * DtS), new Vec3(rate, 0, 0), hasGyro, DtS);
        }

        Assert.InRange(AngleDeg(filter.Gravity, Accel(rate * 50 * DtS)), 0, maxLagDeg);
        // Without a gyroscope the rotation comes from gravity's own motion, with the gyroscope's sign convention.
        Assert.InRange(filter.AngularVelocity.X, 0.9, 1.1);
    }

    [Fact]
    public void Update_StillWithAGyroOffset_LearnsTheBiasAndReadsNoRotation()
    {
        var filter = new OrientationFilter();
        var offset = new Vec3(0.03, -0.02, 0.01); // about 1.7 °/s: a typical MEMS offset
        for (var i = 0; i < 1500; i++) // 30 s still
        {
            filter.Update(Accel(0), offset, hasGyro: true, DtS);
        }

        Assert.InRange((filter.GyroBias - offset).Length, 0, 0.002);
        Assert.InRange(filter.AngularVelocity.Length, 0, 0.002);
        Assert.InRange(AngleDeg(filter.Gravity, Accel(0)), 0, 0.5);
    }

    [Fact]
    public void Update_LimbAccelerating_GyroCarriesTheTurnNotTheAccelerometer()
    {
        var filter = new OrientationFilter();
        filter.Update(Accel(0), Vec3.Zero, hasGyro: true, DtS);
        const double rate = 1.0;
        for (var i = 1; i <= 25; i++) // 0.5 s turning while the accelerometer reads 2 g sideways: not gravity
        {
            filter.Update(new Vec3(2 * G, 0, 0), new Vec3(rate, 0, 0), hasGyro: true, DtS);
        }

        Assert.InRange(AngleDeg(filter.Gravity, Accel(rate * 25 * DtS)), 0, 8); // the accelerometer alone would say 90°
    }

    [Fact]
    public void Reset_KeepsTheGyroBiasAndStartsAgain()
    {
        var filter = new OrientationFilter();
        for (var i = 0; i < 1500; i++)
        {
            filter.Update(Accel(0), new Vec3(0.03, 0, 0), hasGyro: true, DtS);
        }

        var bias = filter.GyroBias;

        filter.Reset();

        Assert.False(filter.Initialized);
        Assert.Equal(bias, filter.GyroBias);
    }
}
