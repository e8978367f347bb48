using System.Text;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Motion.Tests.Recordings;

public class RecordingTruthJsonTests
{
    private static RecordingTruth Sample() => new(
        RecordingTruth.FormatId,
        [
            new RepTruth(ExerciseIds.KneeExtension, 1.0, 3.5, 82.5, 2.5, []),
            new RepTruth(ExerciseIds.KneeExtension, 4.0, 5.2, 45.0, 1.2, [FormFlagIds.PartialRange, FormFlagIds.TooFast]),
        ],
        [10.1, 10.65, 11.2],
        [new SegmentTruth(ExerciseIds.KneeExtension, 0.5, 6.0), new SegmentTruth(ExerciseIds.Walking, 9.5, 12.0)],
        Placement.Shank,
        Side.Right);

    [Fact]
    public void Encode_ThenDecode_ReturnsSameTruth()
    {
        var truth = Sample();

        var bytes = RecordingTruthJson.Encode(truth);

        Assert.True(RecordingTruthJson.TryDecode(bytes, out var decoded, out var error), error);
        Assert.Equal(truth.Placement, decoded!.Placement);
        Assert.Equal(truth.Reps.Count, decoded.Reps.Count);
        Assert.Equal(truth.Reps[1].Faults, decoded.Reps[1].Faults);
        Assert.Equal(truth.Reps[1].RomDeg, decoded.Reps[1].RomDeg);
        Assert.Equal(truth.HeelStrikesS, decoded.HeelStrikesS);
        Assert.Equal(truth.Segments, decoded.Segments);
    }

    [Fact]
    public void Encode_UsesSnakeCaseFieldNames()
    {
        var json = Encoding.UTF8.GetString(RecordingTruthJson.Encode(Sample()));

        Assert.Contains("\"start_s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"rom_deg\"", json, StringComparison.Ordinal);
        Assert.Contains("\"heel_strikes_s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"placement\": \"Shank\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{", "invalid ground-truth JSON")]
    [InlineData("{\"format\":\"movement-truth/9\",\"reps\":[],\"heel_strikes_s\":[],\"segments\":[]}", "format is 'movement-truth/9'")]
    [InlineData("{\"format\":\"movement-truth/1\",\"heel_strikes_s\":[],\"segments\":[]}", "reps")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[{\"exercise\":\"jumping\",\"start_s\":0,\"end_s\":1,\"rom_deg\":10,\"duration_s\":1,\"faults\":[]}],\"heel_strikes_s\":[],\"segments\":[]}", "reps[0].exercise 'jumping'")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[{\"exercise\":\"squat\",\"start_s\":2,\"end_s\":1,\"rom_deg\":10,\"duration_s\":-1,\"faults\":[]}],\"heel_strikes_s\":[],\"segments\":[]}", "reps[0]: end_s 1 must be after start_s 2")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[{\"exercise\":\"squat\",\"start_s\":0,\"end_s\":1,\"rom_deg\":10,\"duration_s\":3,\"faults\":[]}],\"heel_strikes_s\":[],\"segments\":[]}", "reps[0].duration_s 3 differs")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[{\"exercise\":\"squat\",\"start_s\":0,\"end_s\":1,\"rom_deg\":10,\"duration_s\":1,\"faults\":[\"wobbly\"]}],\"heel_strikes_s\":[],\"segments\":[]}", "'wobbly' is not a known form flag")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[],\"heel_strikes_s\":[2,1],\"segments\":[]}", "heel_strikes_s[1] = 1")]
    [InlineData("{\"format\":\"movement-truth/1\",\"reps\":[],\"heel_strikes_s\":[],\"segments\":[{\"exercise\":\"rest\",\"start_s\":5,\"end_s\":5}]}", "segments[0]: end_s 5")]
    public void TryDecode_Malformed_ReturnsFalseWithReason(string json, string reason)
    {
        Assert.False(RecordingTruthJson.TryDecode(Encoding.UTF8.GetBytes(json), out var truth, out var error));
        Assert.Null(truth);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadFile_Missing_SaysSo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.truth.json");

        Assert.False(RecordingTruthJson.TryReadFile(path, out _, out var error));
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SidePath_ReplacesCsvExtension()
    {
        Assert.Equal(Path.Combine("data", "walk.truth.json"), RecordingTruthJson.SidePath(Path.Combine("data", "walk.csv")));
    }
}
