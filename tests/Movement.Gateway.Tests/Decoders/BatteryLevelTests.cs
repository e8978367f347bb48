using FsCheck.Xunit;
using Movement.Gateway.Decoders;

namespace Movement.Gateway.Tests.Decoders;

public class BatteryLevelTests
{
    [Theory]
    [InlineData(new byte[] { 57 }, true)]
    [InlineData(new byte[] { 101 }, false)]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 50, 1 }, false)]
    public void TryDecode_Value_AcceptsOnlyOneBytePercent(byte[] value, bool expected)
    {
        Assert.Equal(expected, BatteryLevel.TryDecode(value, out _, out var error));
        Assert.Equal(expected, error is null);
    }

    [Property]
    public void TryDecode_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value)
    {
        value ??= [];
        var ok = BatteryLevel.TryDecode(value, out var percent, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => percent <= 100 && percent == value[0], "battery level");
    }
}
