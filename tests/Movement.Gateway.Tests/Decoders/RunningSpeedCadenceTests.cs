using FsCheck.Xunit;
using Movement.Gateway.Decoders;

namespace Movement.Gateway.Tests.Decoders;

public class RunningSpeedCadenceTests
{
    [Fact]
    public void TryDecode_NordicLibraryVector_ReadsAllFields()
    {
        byte[] value = [0x07, 0x00, 0x03, 0x12, 0x56, 0x00, 0x01, 0x00, 0x00, 0xF0];

        Assert.True(RunningSpeedCadence.TryDecode(value, out var m, out var error), error);

        Assert.True(m.IsRunning);
        Assert.Equal(3.0, m.SpeedMps);
        Assert.Equal(18, m.CadenceSpm);
        Assert.Equal(0.86, m.StrideM);
        Assert.Equal(0xF0000001 / 10.0, m.TotalDistanceM);
    }

    [Fact]
    public void TryDecode_FlagsSayStrideButItIsMissing_FailsWithReason()
    {
        Assert.False(RunningSpeedCadence.TryDecode([0x01, 0x00, 0x03, 0x12], out _, out var error));
        Assert.Contains("6 bytes", error);
    }

    [Fact]
    public void CadenceStepIntegrator_SixtySpmForTenSeconds_CountsTenSteps()
    {
        var integrator = new CadenceStepIntegrator();
        for (var s = 0; s <= 10; s++)
        {
            integrator.Add(60, s * 1_000_000L);
        }

        Assert.Equal(10, integrator.StepsTotal);
    }

    [Fact]
    public void CadenceStepIntegrator_LongGap_CountsOnlyMaxGap()
    {
        var integrator = new CadenceStepIntegrator { MaxGap = TimeSpan.FromSeconds(5) };
        integrator.Add(120, 0);

        Assert.Equal(10, integrator.Add(120, 60_000_000));
    }

    [Property]
    public void TryDecode_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value)
    {
        value ??= [];
        var ok = RunningSpeedCadence.TryDecode(value, out var rsc, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => rsc.SpeedMps is >= 0 and < 256 && rsc.StrideM is null or (>= 0 and < 656)
            && rsc.TotalDistanceM is null or (>= 0 and < 429_496_730), "RSC measurement");
    }
}
