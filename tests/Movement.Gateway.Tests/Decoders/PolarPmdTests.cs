using FsCheck.Xunit;
using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Decoders;

public class PolarPmdTests
{
    private const float MilliG = 9.80665f / 1000f;

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void WriteStartCommand_VeritySense52Hz_MatchesSdkBytes()
    {
        var settings = new PmdAccSettings(52, 16, 8, 3).ToSettings();

        var command = PolarPmd.StartCommand(PmdMeasurementType.Acc, settings);

        Assert.Equal(Hex("02 02 00 01 34 00 01 01 10 00 02 01 08 00 04 01 03"), command);
    }

    [Fact]
    public void WriteStartCommand_H10Order_MatchesSdkBytes()
    {
        PmdSetting[] settings = [new(PmdSettingType.Range, 8), new(PmdSettingType.SampleRate, 200), new(PmdSettingType.Resolution, 16)];

        Assert.Equal(Hex("02 02 02 01 08 00 00 01 C8 00 01 01 10 00"), PolarPmd.StartCommand(PmdMeasurementType.Acc, settings));
    }

    [Fact]
    public void StopCommand_Acc_IsZeroThreeZeroTwo()
    {
        Assert.Equal(Hex("03 02"), PolarPmd.StopCommand(PmdMeasurementType.Acc));
    }

    [Fact]
    public void TryDecodeFeatures_AccAndGyro_AreReported()
    {
        Assert.True(PolarPmd.TryDecodeFeatures(Hex("0F 24"), out var features, out var error), error);
        Assert.Equal(PmdFeatures.Acc | PmdFeatures.Gyro, features);
        Assert.False(PolarPmd.TryDecodeFeatures(Hex("0E 24"), out _, out error));
        Assert.Contains("0x0E", error);
    }

    [Fact]
    public void SettingsReader_SdkQueryExample_ReadsFourSettings()
    {
        var reader = new PmdSettingsReader(Hex("00 01 34 00 01 01 10 00 02 04 F5 00 F4 01 E8 03 D0 07 04 01 03"));
        var types = new List<PmdSettingType>();
        var counts = new List<int>();
        while (reader.TryReadNext(out var type, out var values, out _))
        {
            types.Add(type);
            counts.Add(values.Length);
        }

        Assert.Equal([PmdSettingType.SampleRate, PmdSettingType.Resolution, PmdSettingType.Range, PmdSettingType.Channels], types);
        Assert.Equal([2, 2, 8, 1], counts);
    }

    [Fact]
    public void TryDecodeResponse_StartWithFactor_KeepsFactor()
    {
        var factorBytes = BitConverter.GetBytes(0.00024414062f);
        byte[] value = [0xF0, 0x02, 0x02, 0x00, 0x00, 0x05, 0x01, .. factorBytes];

        Assert.True(PolarPmd.TryDecodeResponse(value, out var response, out var error), error);

        Assert.True(response.IsSuccess);
        Assert.Equal(PmdOpcode.Start, response.Opcode);
        Assert.Equal(0.00024414062f, response.Factor);
    }

    [Fact]
    public void TryDecodeResponse_InvalidSampleRate_ReportsStatusText()
    {
        Assert.True(PolarPmd.TryDecodeResponse(Hex("F0 02 02 08 00"), out var response, out _));
        Assert.False(response.IsSuccess);
        Assert.Equal("invalid sample rate", response.StatusText);
        Assert.Null(response.Factor);
    }

    [Fact]
    public void TryDecodeResponse_StreamStoppedNotice_IsNotAResponse()
    {
        Assert.True(PolarPmd.IsStreamStoppedNotice(Hex("01 02")));
        Assert.False(PolarPmd.TryDecodeResponse(Hex("01 02 00 00 00"), out _, out var error));
        Assert.Contains("stopped streaming", error);
    }

    [Fact]
    public void TryDecode_SdkRawType1Vector_DecodesMilliG()
    {
        var stream = new PolarAccStream(52);
        var frame = Hex("02 00 94 35 77 00 00 00 00 01 F7 FF FF FF E7 03");
        var samples = new ImuSample[8];

        Assert.True(stream.TryDecode(frame, samples, out var count, out var error), error);

        Assert.Equal(1, count);
        Assert.Equal(-9 * MilliG, samples[0].AccelX, 5);
        Assert.Equal(-1 * MilliG, samples[0].AccelY, 5);
        Assert.Equal(999 * MilliG, samples[0].AccelZ, 5);
        // 2 000 000 000 ns after 2000-01-01 = 946 684 802 s Unix.
        Assert.Equal(946_684_802_000_000L, samples[0].TimestampUs);
        Assert.False(samples[0].HasGyro);
    }

    [Fact]
    public void TryDecode_SdkCompressedVector_DecodesTwoSamples()
    {
        var stream = new PolarAccStream(52);
        var frame = Hex("02 65 00 00 00 00 00 00 00 81 F1 FF 14 00 F0 03 06 01 7B 0F 08");
        var samples = new ImuSample[8];

        Assert.True(stream.TryDecode(frame, samples, out var count, out var error), error);

        Assert.Equal(2, count);
        Assert.Equal((-15f, 20f, 1008f), Round(samples[0]));
        Assert.Equal((-20f, 17f, 1008f), Round(samples[1]));
    }

    [Fact]
    public void TryDecode_Compressed0x80_AppliesFactorTimesThousand()
    {
        var stream = new PolarAccStream(52) { Factor = 0.001f };
        var frame = Hex("02 65 00 00 00 00 00 00 00 80 F1 FF 14 00 F0 03 06 01 7B 0F 08");
        var samples = new ImuSample[8];

        Assert.True(stream.TryDecode(frame, samples, out _, out var error), error);

        Assert.Equal((-15f, 20f, 1008f), Round(samples[0]));
    }

    [Fact]
    public void TryDecode_Compressed0x81WithFactor_ScalesValues()
    {
        var stream = new PolarAccStream(52) { Factor = 0.5f };
        var frame = Hex("02 65 00 00 00 00 00 00 00 81 F1 FF 14 00 F0 03 06 01 7B 0F 08");
        var samples = new ImuSample[8];

        Assert.True(stream.TryDecode(frame, samples, out _, out _));

        Assert.Equal((-10f, 8.5f, 504f), Round(samples[1]));
    }

    [Fact]
    public void TryDecode_TwoFrames_StepsTimestampsFromPreviousFrame()
    {
        var stream = new PolarAccStream(50);
        var samples = new ImuSample[8];
        var first = new byte[PolarAccStream.HeaderLength + 12];
        var second = new byte[PolarAccStream.HeaderLength + 18];
        PolarAccStream.EncodeRawFrame(new ImuSample[2], 1_000_000_000UL, first);
        PolarAccStream.EncodeRawFrame(new ImuSample[3], 1_000_000_000UL + 90_000_000UL, second);

        Assert.True(stream.TryDecode(first, samples, out var n1, out _));
        var firstStamps = samples[..n1].Select(s => s.TimestampUs).ToArray();
        Assert.True(stream.TryDecode(second, samples, out var n2, out _));
        var secondStamps = samples[..n2].Select(s => s.TimestampUs).ToArray();

        var lastUs = (Units.PolarEpochUnixNs + 1_000_000_000L) / 1000;
        Assert.Equal([lastUs - 20_000, lastUs], firstStamps); // first frame: nominal 1/50 s
        Assert.Equal([lastUs + 30_000, lastUs + 60_000, lastUs + 90_000], secondStamps); // 90 ms / 3
    }

    [Fact]
    public void TryDecode_TruncatedDeltaBlock_FailsWithReason()
    {
        var stream = new PolarAccStream(52);
        var frame = Hex("02 65 00 00 00 00 00 00 00 81 F1 FF 14 00 F0 03 06 01 7B 0F");

        Assert.False(stream.TryDecode(frame, new ImuSample[8], out var count, out var error));
        Assert.Equal(0, count);
        Assert.Contains("only 2 bytes follow", error);
    }

    [Fact]
    public void TryDecode_EcgFrame_IsRefused()
    {
        Assert.False(new PolarAccStream(52).TryDecode(Hex("00 00 00 00 00 00 00 00 00 00 01 02 03"), new ImuSample[8], out _, out var error));
        Assert.Contains("not accelerometer", error);
    }

    [Property]
    public void AllPmdDecoders_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value, float factor)
    {
        value ??= [];
        var stream = new PolarAccStream(52) { Factor = factor };
        var destination = new ImuSample[64];
        for (var length = 0; length <= value.Length; length++)
        {
            var slice = value.AsSpan(0, length).ToArray();
            AssertFrame(stream, slice, destination);

            var ok = PolarPmd.TryDecodeResponse(slice, out var response, out var error);
            DecodeOutcome.AssertExactlyOne(ok, error, () => slice[0] == PolarPmd.ResponseHeader && Enum.IsDefined(response.Opcode)
                && (response.Factor is null || float.IsFinite(response.Factor.Value)), "PMD response");

            ok = PolarPmd.TryDecodeFeatures(slice, out var features, out error);
            DecodeOutcome.AssertExactlyOne(ok, error, () => slice[0] == PolarPmd.FeatureHeader && (byte)features == slice[1], "PMD features");
        }

        // A random frame that claims to be a compressed accelerometer frame exercises the bit reader.
        if (value.Length > 0)
        {
            AssertFrame(stream, [0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, .. value], destination);
        }
    }

    /// <summary>A decoded frame holds 1 to destination-length accelerometer samples, all finite whatever the factor.</summary>
    private static void AssertFrame(PolarAccStream stream, byte[] frame, ImuSample[] destination)
    {
        var ok = stream.TryDecode(frame, destination, out var count, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => count >= 1 && count <= destination.Length
            && destination.Take(count).All(s => !s.HasGyro
                && float.IsFinite(s.AccelX) && float.IsFinite(s.AccelY) && float.IsFinite(s.AccelZ)), "PMD accelerometer frame");
    }

    [Fact]
    public void TryDecode_FactorOverflowsFloat_IsRefused()
    {
        var stream = new PolarAccStream(52) { Factor = float.MaxValue };

        var ok = stream.TryDecode(Hex("02 00 00 00 00 00 00 00 00 81 00 00 00 00 00 01"), new ImuSample[8], out var count, out var error);

        Assert.False(ok);
        Assert.Equal(0, count);
        Assert.Contains("not finite", error);
    }

    [Property]
    public bool RawFrame_EncodedSamples_DecodeToSameMilliG(short[] xs)
    {
        xs ??= [];
        var samples = xs.Take(40).Select(x => new ImuSample(0, x * MilliG, -x * MilliG, 0)).ToArray();
        if (samples.Length == 0)
        {
            return true;
        }

        var frame = new byte[PolarAccStream.HeaderLength + (samples.Length * 6)];
        PolarAccStream.EncodeRawFrame(samples, 5_000_000_000UL, frame);
        var decoded = new ImuSample[samples.Length];
        return new PolarAccStream(52).TryDecode(frame, decoded, out var count, out _) && count == samples.Length &&
            decoded.Zip(xs).All(p => MathF.Round(p.First.AccelX / MilliG) == Math.Clamp(p.Second, short.MinValue, short.MaxValue));
    }

    private static (float, float, float) Round(ImuSample s) =>
        (MathF.Round(s.AccelX / MilliG, 3), MathF.Round(s.AccelY / MilliG, 3), MathF.Round(s.AccelZ / MilliG, 3));
}
