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
}
