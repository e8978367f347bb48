using Tmds.DBus.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>What a PropertiesChanged signal under /org/bluez said, as far as the gateway cares.</summary>
/// <param name="ValueLength">For a characteristic: bytes of the new Value copied into the caller's buffer; -1 when
/// the signal has no Value, <see cref="BlueZSignals.ValueTooLong"/> when it did not fit.</param>
internal readonly record struct PropertiesChange(string Path, bool IsCharacteristic, bool IsDevice, bool? Connected, bool? ServicesResolved, int ValueLength);

/// <summary>
/// Reads the BlueZ signals the gateway matches (PropertiesChanged, InterfacesAdded/Removed, NameOwnerChanged).
/// Pure parsing, no state: the orchestrator decides what the change means. Throws on a malformed body; the
/// caller counts it (a throwing match handler would tear the D-Bus connection down).
/// </summary>
internal static class BlueZSignals
{
    public const int ValueTooLong = -2;

    /// <summary>
    /// <c>PropertiesChanged(s interface, a{sv} changed, as invalidated)</c>. A characteristic's Value is copied into
    /// <paramref name="valueBuffer"/> without allocating (notifications arrive at sensor rate).
    /// </summary>
    public static PropertiesChange ReadPropertiesChanged(Message message, Span<byte> valueBuffer)
    {
        var path = message.PathAsString ?? "";
        var reader = message.GetBodyReader();
        var @interface = reader.ReadString();
        if (@interface == BlueZ.GattCharacteristic1)
        {
            var length = -1;
            var end = reader.ReadArrayStart(DBusType.DictEntry);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                var isValue = reader.ReadStringAsSpan().SequenceEqual("Value"u8);
                var peek = reader;
                if (isValue && reader.ReadSignatureAsSpan().SequenceEqual("ay"u8))
                {
                    var bytes = reader.ReadArrayStart(DBusType.Byte);
                    length = 0;
                    while (reader.HasNext(bytes))
                    {
                        var b = reader.ReadByte();
                        if (length >= 0 && length < valueBuffer.Length)
                        {
                            valueBuffer[length++] = b;
                        }
                        else
                        {
                            length = ValueTooLong;
                        }
                    }
                }
                else
                {
                    reader = peek;
                    reader.ReadVariantValue();
                }
            }

            return new PropertiesChange(path, IsCharacteristic: true, IsDevice: false, null, null, length);
        }

        if (@interface == BlueZ.Device1)
        {
            bool? connected = null, resolved = null;
            foreach (var (name, value) in reader.ReadDictionaryOfStringToVariantValue())
            {
                if (name == "Connected" && value.Type == VariantValueType.Bool)
                {
                    connected = value.GetBool();
                }
                else if (name == "ServicesResolved" && value.Type == VariantValueType.Bool)
                {
                    resolved = value.GetBool();
                }
            }

            return new PropertiesChange(path, IsCharacteristic: false, IsDevice: true, connected, resolved, -1);
        }

        return new PropertiesChange(path, false, false, null, null, -1);
    }

    /// <summary><c>InterfacesAdded(o, a{sa{sv}})</c> or <c>InterfacesRemoved(o, as)</c>: the object path and whether Device1 is among the interfaces.</summary>
    public static (string Path, bool Device) ReadInterfacesChanged(Message message, bool added)
    {
        var reader = message.GetBodyReader();
        var path = reader.ReadObjectPathAsString();
        var device = false;
        if (added)
        {
            var end = reader.ReadArrayStart(DBusType.DictEntry);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                device |= reader.ReadString() == BlueZ.Device1;
                reader.ReadDictionaryOfStringToVariantValue();
            }
        }
        else
        {
            device = reader.ReadArrayOfString().Contains(BlueZ.Device1);
        }

        return (path, device);
    }

    /// <summary><c>NameOwnerChanged(s name, s old, s new)</c>: whether bluetoothd left and whether it (re)appeared.</summary>
    public static (bool Left, bool Appeared) ReadNameOwnerChanged(Message message)
    {
        var reader = message.GetBodyReader();
        reader.ReadString();
        var oldOwner = reader.ReadString();
        var newOwner = reader.ReadString();
        return (!string.IsNullOrEmpty(oldOwner), !string.IsNullOrEmpty(newOwner));
    }

    /// <summary><c>/org/bluez/hci1/dev_AA_…</c> → <c>hci1</c>; null for paths not below an adapter.</summary>
    public static string? AdapterOf(string devicePath)
    {
        const string prefix = "/org/bluez/";
        if (!devicePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var slash = devicePath.IndexOf('/', prefix.Length);
        return slash < 0 ? null : devicePath[prefix.Length..slash];
    }
}
