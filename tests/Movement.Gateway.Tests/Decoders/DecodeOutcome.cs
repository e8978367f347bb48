using Movement.Protocol;

namespace Movement.Gateway.Tests.Decoders;

/// <summary>What every decoder promises for any input: exactly one of a plausible value with no error, or an error message.</summary>
internal static class DecodeOutcome
{
    /// <summary>Fails unless <paramref name="decoded"/> came with no error and a plausible value, or failed with a non-blank error.</summary>
    public static void AssertExactlyOne(bool decoded, string? error, Func<bool> plausible, string decoder)
    {
        if (decoded)
        {
            Assert.True(error is null, $"{decoder} succeeded but also reported '{error}'");
            Assert.True(plausible(), $"{decoder} succeeded with an implausible value");
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(error), $"{decoder} failed without saying why");
        }
    }

    /// <summary>Finite, and within what an i16 count at the decoder's scale can express.</summary>
    public static bool WithinRange(in ImuSample sample, double maxAccelMps2, double maxGyroRadPerS) =>
        Within(sample.AccelX, maxAccelMps2) && Within(sample.AccelY, maxAccelMps2) && Within(sample.AccelZ, maxAccelMps2)
        && (!sample.HasGyro || (Within(sample.GyroX, maxGyroRadPerS) && Within(sample.GyroY, maxGyroRadPerS) && Within(sample.GyroZ, maxGyroRadPerS)));

    private static bool Within(float value, double max) => float.IsFinite(value) && Math.Abs(value) <= max;
}
