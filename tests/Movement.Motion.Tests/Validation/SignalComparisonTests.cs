using Movement.Motion.Validation;

namespace Movement.Motion.Tests.Validation;

public class SignalComparisonTests
{
    private static double[] Sine(double periodS, double rateHz, double seconds) =>
        Enumerable.Range(0, (int)(seconds * rateHz)).Select(i => Math.Sin(2 * Math.PI * i / rateHz / periodS)).ToArray();

    [Theory]
    [InlineData(2.5)]
    [InlineData(7.8)]
    public void DominantPeriodS_Sine_ReturnsItsPeriodNotAMultiple(double periodS)
    {
        Assert.Equal(periodS, SignalComparison.DominantPeriodS(Sine(periodS, 25, 80), 25), 1);
    }

    [Fact]
    public void RepStarts_NoisySquareWave_CountsEachRiseOnce()
    {
        var random = new Random(1);
        // 6 reps: 2 s low, 3 s high, with noise that crosses the mid level on every edge.
        var x = Enumerable.Range(0, 6 * 125).Select(i => (i % 125 >= 50 ? 10.0 : 0.0) + ((random.NextDouble() - 0.5) * 1.5)).ToArray();

        var starts = SignalComparison.RepStarts(x);

        Assert.Equal(Enumerable.Range(0, 6).Select(k => (k * 125) + 50), starts.Select(s => s));
    }

    [Fact]
    public void Pearson_ShiftedAndScaledCopy_IsOne()
    {
        var a = Sine(3, 25, 10);
        var b = a.Select(v => (3 * v) + 2).ToArray();

        Assert.Equal(1.0, SignalComparison.Pearson(a, b), 9);
        Assert.Equal(-1.0, SignalComparison.Pearson(a, b.Select(v => -v).ToArray()), 9);
    }
}
