using System.Buffers.Binary;

namespace Movement.Gateway.Decoders;

/// <summary>Polar Measurement Data types (low 6 bits of the type byte; bit 7 marks offline recording).</summary>
public enum PmdMeasurementType : byte
{
    Ecg = 0,
    Ppg = 1,
    Acc = 2,
    Ppi = 3,
    Gyro = 5,
    Mag = 6,
}

[Flags]
public enum PmdFeatures : byte
{
    None = 0,
    Ecg = 0x01,
    Ppg = 0x02,
    Acc = 0x04,
    Ppi = 0x08,
    Gyro = 0x20,
    Mag = 0x40,
}

/// <summary>Setting types of the PMD TLV encoding.</summary>
public enum PmdSettingType : byte
{
    SampleRate = 0,
    Resolution = 1,
    Range = 2,
    Channels = 4,
    Factor = 5,
}

/// <summary>One setting of a start command. Channels is sent as u8, the others as u16.</summary>
public readonly record struct PmdSetting(PmdSettingType Type, ushort Value);

/// <summary>Accelerometer stream settings, as the gateway asks for them.</summary>
public readonly record struct PmdAccSettings(ushort SampleRateHz, ushort ResolutionBits, ushort RangeG, byte Channels)
{
    /// <summary>Verity Sense order: rate, resolution, range, channels.</summary>
    public PmdSetting[] ToSettings() =>
    [
        new(PmdSettingType.SampleRate, SampleRateHz),
        new(PmdSettingType.Resolution, ResolutionBits),
        new(PmdSettingType.Range, RangeG),
        new(PmdSettingType.Channels, Channels),
    ];
}

public enum PmdOpcode : byte
{
    GetSettings = 1,
    Start = 2,
    Stop = 3,
}

/// <summary>A control-point indication <c>F0 op type status more params</c>.</summary>
public readonly record struct PmdControlPointResponse(PmdOpcode Opcode, byte MeasurementType, byte Status, bool More, float? Factor)
{
    public bool IsSuccess => Status == 0;

    public string StatusText => PolarPmd.StatusText(Status);
}

/// <summary>
/// Polar PMD control point and frames (polar-ble-sdk BlePMDClient.kt, PmdSetting.kt, PmdControlPointResponse.kt).
/// The sensor must be re-started after every reconnect; enable notifications on both the control point and
/// the data characteristic before writing the control point.
/// </summary>
public static class PolarPmd
{
    public static readonly Guid Service = Guid.Parse("fb005c80-02e7-f387-1cad-8acd2d8df0c8");
    public static readonly Guid ControlPointCharacteristic = Guid.Parse("fb005c81-02e7-f387-1cad-8acd2d8df0c8");
    public static readonly Guid DataCharacteristic = Guid.Parse("fb005c82-02e7-f387-1cad-8acd2d8df0c8");

    public const byte FeatureHeader = 0x0F;
    public const byte ResponseHeader = 0xF0;
    public const byte StreamStoppedHeader = 0x01;

    public static bool TryDecodeFeatures(ReadOnlySpan<byte> value, out PmdFeatures features, out string? error)
    {
        features = PmdFeatures.None;
        if (value.Length < 2)
        {
            error = $"PMD feature read needs at least 2 bytes, got {value.Length}";
            return false;
        }

        if (value[0] != FeatureHeader)
        {
            error = $"PMD feature read starts with 0x{value[0]:X2}, expected 0x{FeatureHeader:X2}";
            return false;
        }

        features = (PmdFeatures)value[1];
        error = null;
        return true;
    }

    /// <summary><c>01 type</c>: ask for the available settings of a measurement.</summary>
    public static int WriteGetSettingsCommand(PmdMeasurementType type, Span<byte> destination) => WriteShortCommand(PmdOpcode.GetSettings, type, destination);

    /// <summary><c>03 type</c>: stop a measurement.</summary>
    public static int WriteStopCommand(PmdMeasurementType type, Span<byte> destination) => WriteShortCommand(PmdOpcode.Stop, type, destination);

    public static int GetStartCommandLength(ReadOnlySpan<PmdSetting> settings)
    {
        var length = 2;
        foreach (var setting in settings)
        {
            length += setting.Type == PmdSettingType.Channels ? 3 : 4;
        }

        return length;
    }

    /// <summary><c>02 type [setting count value]…</c>. The factor is never sent; it comes back in the response.</summary>
    public static int WriteStartCommand(PmdMeasurementType type, ReadOnlySpan<PmdSetting> settings, Span<byte> destination)
    {
        var length = GetStartCommandLength(settings);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {length} needed.", nameof(destination));
        }

        destination[0] = (byte)PmdOpcode.Start;
        destination[1] = (byte)type;
        var offset = 2;
        foreach (var setting in settings)
        {
            switch (setting.Type)
            {
                case PmdSettingType.Factor:
                    throw new ArgumentException("The factor is reported by the sensor and cannot be set.", nameof(settings));
                case PmdSettingType.Channels:
                    if (setting.Value > byte.MaxValue)
                    {
                        throw new ArgumentException($"Channel count {setting.Value} does not fit a byte.", nameof(settings));
                    }

                    destination[offset] = (byte)setting.Type;
                    destination[offset + 1] = 1;
                    destination[offset + 2] = (byte)setting.Value;
                    offset += 3;
                    break;
                default:
                    destination[offset] = (byte)setting.Type;
                    destination[offset + 1] = 1;
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 2)..], setting.Value);
                    offset += 4;
                    break;
            }
        }

        return offset;
    }

    public static byte[] StartCommand(PmdMeasurementType type, ReadOnlySpan<PmdSetting> settings)
    {
        var bytes = new byte[GetStartCommandLength(settings)];
        WriteStartCommand(type, settings, bytes);
        return bytes;
    }

    public static byte[] StopCommand(PmdMeasurementType type)
    {
        var bytes = new byte[2];
        WriteStopCommand(type, bytes);
        return bytes;
    }

    /// <summary>Parses a control-point indication; a start response may carry the factor (<c>05 01 f32</c>).</summary>
    public static bool TryDecodeResponse(ReadOnlySpan<byte> value, out PmdControlPointResponse response, out string? error)
    {
        response = default;
        if (value.Length < 5)
        {
            error = $"PMD control point response needs at least 5 bytes, got {value.Length}";
            return false;
        }

        if (value[0] != ResponseHeader)
        {
            error = value[0] == StreamStoppedHeader
                ? "PMD notice: the sensor stopped streaming"
                : $"PMD control point response starts with 0x{value[0]:X2}, expected 0x{ResponseHeader:X2}";
            return false;
        }

        if (value[1] is < 1 or > 3)
        {
            error = $"PMD response to unknown opcode {value[1]}";
            return false;
        }

        float? factor = null;
        if ((PmdOpcode)value[1] == PmdOpcode.Start && value[3] == 0)
        {
            var reader = new PmdSettingsReader(value[5..]);
            while (reader.TryReadNext(out var setting, out var values, out error))
            {
                if (setting == PmdSettingType.Factor && values.Length >= 4)
                {
                    factor = BinaryPrimitives.ReadSingleLittleEndian(values);
                }
            }

            if (error is not null)
            {
                return false;
            }

            if (factor is { } f && !(float.IsFinite(f) && f > 0))
            {
                error = $"PMD start response carries factor {f}, which is not a positive finite number";
                return false;
            }
        }

        response = new PmdControlPointResponse((PmdOpcode)value[1], value[2], value[3], value[4] != 0, factor);
        error = null;
        return true;
    }

    /// <summary>An unsolicited <c>01 types…</c>: the sensor stopped these measurements by itself.</summary>
    public static bool IsStreamStoppedNotice(ReadOnlySpan<byte> value) => value.Length >= 1 && value[0] == StreamStoppedHeader;

    public static string StatusText(byte status) => status switch
    {
        0 => "success",
        1 => "invalid opcode",
        2 => "invalid measurement type",
        3 => "not supported",
        4 => "invalid length",
        5 => "invalid parameter",
        6 => "already in state",
        7 => "invalid resolution",
        8 => "invalid sample rate",
        9 => "invalid range",
        10 => "invalid MTU",
        11 => "invalid number of channels",
        12 => "invalid state",
        13 => "device in charger",
        _ => $"error {status}",
    };

    private static int WriteShortCommand(PmdOpcode opcode, PmdMeasurementType type, Span<byte> destination)
    {
        if (destination.Length < 2)
        {
            throw new ArgumentException("Destination holds fewer than 2 bytes.", nameof(destination));
        }

        destination[0] = (byte)opcode;
        destination[1] = (byte)type;
        return 2;
    }
}

/// <summary>Reads PMD setting TLVs <c>[type][count][count × value]</c> (u16 values; channels u8; factor f32).</summary>
public ref struct PmdSettingsReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    /// <summary>Returns false at the end (error null) or on malformed input (error set).</summary>
    public bool TryReadNext(out PmdSettingType type, out ReadOnlySpan<byte> values, out string? error)
    {
        type = default;
        values = default;
        error = null;
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (_rest.Length < 2)
        {
            error = "PMD setting is truncated after its type byte";
            return false;
        }

        type = (PmdSettingType)_rest[0];
        int size = type switch
        {
            PmdSettingType.SampleRate or PmdSettingType.Resolution or PmdSettingType.Range => 2,
            PmdSettingType.Channels => 1,
            PmdSettingType.Factor => 4,
            _ => -1,
        };
        if (size < 0)
        {
            error = $"unknown PMD setting type {_rest[0]}";
            return false;
        }

        var length = 2 + (_rest[1] * size);
        if (_rest.Length < length)
        {
            error = $"PMD setting {type} declares {_rest[1]} values but only {_rest.Length - 2} bytes follow";
            return false;
        }

        values = _rest[2..length];
        _rest = _rest[length..];
        return true;
    }
}
