using Tmds.DBus.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>Names and method calls of BlueZ's D-Bus API (bluez doc/org.bluez.*.rst) that the gateway uses.</summary>
internal static class BlueZ
{
    public const string Service = "org.bluez";
    public const string Adapter1 = "org.bluez.Adapter1";
    public const string Device1 = "org.bluez.Device1";
    public const string Battery1 = "org.bluez.Battery1";
    public const string GattService1 = "org.bluez.GattService1";
    public const string GattCharacteristic1 = "org.bluez.GattCharacteristic1";
    public const string Properties = "org.freedesktop.DBus.Properties";
    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";

    /// <summary>path → interface → property → value.</summary>
    public static Task<Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>> GetManagedObjectsAsync(DBusConnection connection)
    {
        return connection.CallMethodAsync(Create(), static (message, _) =>
        {
            var reader = message.GetBodyReader();
            var result = new Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>(StringComparer.Ordinal);
            var objects = reader.ReadArrayStart(DBusType.DictEntry);
            while (reader.HasNext(objects))
            {
                reader.AlignStruct();
                var path = reader.ReadObjectPathAsString();
                var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
                var ifaces = reader.ReadArrayStart(DBusType.DictEntry);
                while (reader.HasNext(ifaces))
                {
                    reader.AlignStruct();
                    var name = reader.ReadString();
                    interfaces[name] = reader.ReadDictionaryOfStringToVariantValue();
                }

                result[path] = interfaces;
            }

            return result;
        });

        MessageBuffer Create()
        {
            using var writer = connection.GetMessageWriter();
            writer.WriteMethodCallHeader(Service, "/", ObjectManager, "GetManagedObjects");
            return writer.CreateMessage();
        }
    }

    public static Task CallAsync(DBusConnection connection, string path, string @interface, string member)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, @interface, member);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    public static Task SetDiscoveryFilterAsync(DBusConnection connection, string adapterPath)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, adapterPath, Adapter1, "SetDiscoveryFilter", "a{sv}");
        // Filters of all BlueZ clients are merged, so this only narrows the radio work; devices are filtered by address here.
        writer.WriteDictionary(new Dictionary<string, VariantValue> { ["Transport"] = "le", ["DuplicateData"] = false });
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    public static Task WriteValueAsync(DBusConnection connection, string characteristicPath, ReadOnlySpan<byte> value, bool withResponse)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, characteristicPath, GattCharacteristic1, "WriteValue", "aya{sv}");
        writer.WriteArray(value);
        writer.WriteDictionary(new Dictionary<string, VariantValue> { ["type"] = withResponse ? "request" : "command" });
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    public static Task<byte[]> ReadValueAsync(DBusConnection connection, string characteristicPath)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, characteristicPath, GattCharacteristic1, "ReadValue", "a{sv}");
        writer.WriteDictionary(new Dictionary<string, VariantValue>());
        return connection.CallMethodAsync(writer.CreateMessage(), static (message, _) => message.GetBodyReader().ReadArrayOfByte());
    }

    public static Task<VariantValue> GetPropertyAsync(DBusConnection connection, string path, string @interface, string name)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, Properties, "Get", "ss");
        writer.WriteString(@interface);
        writer.WriteString(name);
        return connection.CallMethodAsync(writer.CreateMessage(), static (message, _) => message.GetBodyReader().ReadVariantValue());
    }

    /// <summary>The GATT characteristics below <paramref name="devicePath"/> by (service UUID, characteristic UUID): object paths are handles, never fixed.</summary>
    public static Dictionary<(Guid Service, Guid Characteristic), (string Path, Guid Uuid)> FindCharacteristics(
        Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> objects, string devicePath)
    {
        var services = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (path, interfaces) in objects)
        {
            if (path.StartsWith(devicePath + "/", StringComparison.Ordinal) && interfaces.TryGetValue(GattService1, out var props) &&
                props.TryGetValue("UUID", out var uuid) && Guid.TryParse(uuid.GetString(), out var serviceUuid))
            {
                services[path] = serviceUuid;
            }
        }

        var found = new Dictionary<(Guid, Guid), (string, Guid)>();
        foreach (var (path, interfaces) in objects)
        {
            if (interfaces.TryGetValue(GattCharacteristic1, out var props) &&
                props.TryGetValue("UUID", out var uuid) && Guid.TryParse(uuid.GetString(), out var characteristicUuid) &&
                props.TryGetValue("Service", out var service) && services.TryGetValue(service.GetObjectPathAsString(), out var serviceUuid))
            {
                found[(serviceUuid, characteristicUuid)] = (path, characteristicUuid);
            }
        }

        return found;
    }

    /// <summary>Awaits a call that BlueZ may answer with "already in progress / exists", which is success here.</summary>
    public static async Task IgnoreInProgress(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex) when (ex.ErrorName is "org.bluez.Error.InProgress" or "org.bluez.Error.AlreadyExists")
        {
        }
    }

    /// <summary>Awaits a best-effort call (e.g. Disconnect of a link that may be gone already).</summary>
    public static async Task IgnoreErrors(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
        }
    }

    /// <summary><c>/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF</c> → <c>AA:BB:CC:DD:EE:FF</c>; null for other paths.</summary>
    public static string? AddressFromDevicePath(string path)
    {
        var index = path.LastIndexOf("/dev_", StringComparison.Ordinal);
        if (index < 0)
        {
            return null;
        }

        var name = path[(index + 5)..];
        return name.Length == 17 && !name.Contains('/', StringComparison.Ordinal) ? name.Replace('_', ':').ToUpperInvariant() : null;
    }

    public static string DevicePath(string adapter, string address) => $"/org/bluez/{adapter}/dev_{address.ToUpperInvariant().Replace(':', '_')}";
}
