using System.Globalization;
using Movement.Tools.Commands;
using Movement.Classifier.Tests.Pipeline;
using Movement.Motion.Recordings;

namespace Movement.Tools.Tests.Commands;

/// <summary>The offline commands on files they cannot use: a clear exit code, a few error lines and a count.</summary>
public sealed class ReplayCommandsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("movement-replay-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string[] ErrorLines, string Output) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = ReplayCommands.Run(args, output, error);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), output.ToString());
    }

    private static string NaNRows(int count, double firstTimeS = 0) =>
        string.Concat(Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{firstTimeS + (i * 0.02)},NaN,NaN,NaN,NaN,NaN,NaN\n")));

    public static TheoryData<string, string, string> Unreadable() => new()
    {
        { "empty", "", "no header line" },
        { "wrong columns", "t,x,y,z\n0,1,2,3\n", "expected time_s" },
        { "every row rejected", "time_s,ax,ay,az,gx,gy,gz\n" + NaNRows(3000), "is not finite" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Run_ReplayOfAFileWithNoSample_ExitsNothingReadWithAFewLines(string what, string text, string reason)
    {
        var (code, errors, _) = Run("replay", File("bad.csv", text), "--recognition", "off");

        Assert.Equal(ReplayCommands.NothingRead, code);
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
        Assert.EndsWith("no sample could be read", errors[^1], StringComparison.Ordinal);
        Assert.True(errors.Length <= ReplayCommands.ErrorLinesShown + 2, $"{what}: {errors.Length} error lines");
    }

    [Fact]
    public void Run_AllNaNFile_PrintsTheFirstRowsThenACount()
    {
        var (_, errors, _) = Run("trace", File("nan.csv", "time_s,ax,ay,az,gx,gy,gz\n" + NaNRows(3000)));

        Assert.Equal(ReplayCommands.ErrorLinesShown, errors.Count(e => e.EndsWith("(row skipped)", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.EndsWith($"{3000 - ReplayCommands.ErrorLinesShown} more rows skipped (3000 of 3000 rejected)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_RecordingWithSomeBadRows_CountsTheRepsAndExitsZero()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        RecordingCsv.Write(writer, TestSignals.Reps(3, 60, 50));
        var path = File("reps.csv", writer + NaNRows(100, firstTimeS: 1_000));

        var (code, errors, output) = Run("replay", path, "--recognition", "off", "--placement", "shank", "--exercise", "knee_extension");

        Assert.Equal(0, code);
        Assert.Equal(ReplayCommands.ErrorLinesShown + 1, errors.Length);
        Assert.Contains("\"reps\":3", output.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UciFileWithEveryRowRejected_ExitsNothingRead()
    {
        var path = File("test.txt", string.Concat(Enumerable.Range(1, 500).Select(i => $"{i};x;1;2;3;4;5\n")));

        var (code, errors, _) = Run("replay", path, "--format", "uci", "--recognition", "off");

        Assert.Equal(ReplayCommands.NothingRead, code);
        Assert.True(errors.Length <= ReplayCommands.ErrorLinesShown + 2, $"{errors.Length} error lines");
    }

    [Fact]
    public void Run_StepsOfAnEmptyFile_ExitsNothingRead()
    {
        var (code, errors, output) = Run("steps", File("accelerometer.csv", ""), "--format", "oxford");

        Assert.Equal(ReplayCommands.NothingRead, code);
        Assert.Single(errors);
        Assert.Empty(output);
    }

    [Fact]
    public void Run_MissingFile_ExitsUsageErrorNamingIt()
    {
        var missing = Path.Combine(_directory.FullName, "missing.csv");

        var (code, errors, _) = Run("replay", missing, "--recognition", "off");

        Assert.Equal(ReplayCommands.UsageError, code);
        Assert.Contains(errors, e => e.Contains(missing, StringComparison.Ordinal));
    }
}
