namespace Movement.Gateway.Decoders;

/// <summary>Bluetooth SIG Battery Level (0x2A19): one byte, percent. BlueZ exposes it as <c>Battery1.Percentage</c>.</summary>
public static class BatteryLevel
{
    public static readonly Guid Service = BluetoothUuid.FromShort(0x180F);
    public static readonly Guid Characteristic = BluetoothUuid.FromShort(0x2A19);

    public static bool TryDecode(ReadOnlySpan<byte> value, out byte percent, out string? error)
    {
        percent = 0;
        if (value.Length != 1)
        {
            error = $"battery level is 1 byte, got {value.Length}";
            return false;
        }

        if (value[0] > 100)
        {
            error = $"battery level {value[0]} % is above 100";
            return false;
        }

        percent = value[0];
        error = null;
        return true;
    }
}

public static class BluetoothUuid
{
    /// <summary>A 16-bit SIG-assigned UUID on the Bluetooth base UUID.</summary>
    public static Guid FromShort(ushort value) => Guid.Parse($"0000{value:x4}-0000-1000-8000-00805f9b34fb");
}
