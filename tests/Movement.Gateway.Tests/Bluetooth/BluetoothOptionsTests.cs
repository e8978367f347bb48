using System.ComponentModel.DataAnnotations;
using Movement.Gateway.Bluetooth;

namespace Movement.Gateway.Tests.Bluetooth;

public sealed class BluetoothOptionsTests
{
    private static List<ValidationResult> Validate(BluetoothOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_Defaults_Valid() => Assert.Empty(Validate(new BluetoothOptions()));

    [Fact]
    public void Validate_MaxBelowMin_FailsNamingMax()
    {
        var errors = Validate(new BluetoothOptions { ReconnectDelayMin = TimeSpan.FromSeconds(5), ReconnectDelayMax = TimeSpan.FromSeconds(1) });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(BluetoothOptions.ReconnectDelayMax)));
    }

    [Fact]
    public void Validate_ZeroMin_Fails()
    {
        var errors = Validate(new BluetoothOptions { ReconnectDelayMin = TimeSpan.Zero });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(BluetoothOptions.ReconnectDelayMin)));
    }

    [Fact]
    public void EffectiveAdapters_OnlyTheOlderSingleAdapter_UsesIt() =>
        Assert.Equal(["hci2"], new BluetoothOptions { Adapter = "hci2" }.EffectiveAdapters);

    [Fact]
    public void EffectiveAdapters_NothingSet_Hci0() => Assert.Equal(["hci0"], new BluetoothOptions().EffectiveAdapters);

    [Fact]
    public void Validate_AdapterAndAdapters_FailsSayingWhichToKeep()
    {
        var errors = Validate(new BluetoothOptions { Adapter = "hci0", Adapters = ["hci0", "hci1"] });

        var error = Assert.Single(errors);
        Assert.Contains("move Adapter 'hci0' into Adapters", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("usb0")]
    [InlineData("hci")]
    [InlineData("")]
    public void Validate_BadAdapterName_Fails(string adapter) =>
        Assert.Contains(Validate(new BluetoothOptions { Adapters = ["hci0", adapter] }), e => e.MemberNames.Contains(nameof(BluetoothOptions.Adapters)));

    [Fact]
    public void Validate_AdapterTwice_Fails() =>
        Assert.Contains(Validate(new BluetoothOptions { Adapters = ["hci1", "hci1"] }), e => e.ErrorMessage!.Contains("twice", StringComparison.Ordinal));

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void Validate_LinksPerAdapterOutOfRange_Fails(int links) =>
        Assert.Contains(Validate(new BluetoothOptions { LinksPerAdapter = links }), e => e.MemberNames.Contains(nameof(BluetoothOptions.LinksPerAdapter)));

    [Fact]
    public void Validate_ClaimRefreshMoreThanHalfTheTtl_Fails() =>
        Assert.Contains(Validate(new BluetoothOptions { ClaimTtl = TimeSpan.FromSeconds(10), ClaimRefreshInterval = TimeSpan.FromSeconds(6) }),
            e => e.MemberNames.Contains(nameof(BluetoothOptions.ClaimRefreshInterval)));
}
