using Movement.Tests;
using Movement.Classifier.Pipeline;
using Movement.Motion.Recordings;

namespace Movement.Classifier.Tests.RealData;

/// <summary>
/// Step counting on the Oxford Step Counter DataSet (CC BY 4.0): two people, phone in the front pocket (on the thigh),
/// back pocket and armband. The peak fraction was chosen on each person's walks and is the same for both, so every
/// walk's figure is the other person's choice (docs/accuracy.md, "Steps").
/// </summary>
public sealed class OxfordStepTests
{
    private static readonly string[] AllWalks =
    [
        "Pixel_Jamie_Hard_Armband_1", "Pixel_Jamie_Hard_Armband_2", "Pixel_Jamie_Hard_BackPocket_1", "Pixel_Jamie_Hard_BackPocket_2",
        "Pixel_Jamie_Hard_FrontPocket_1", "Pixel_Jamie_Hard_FrontPocket_2", "Samsung_Carmelo_Hard_Armband_1", "Samsung_Carmelo_Hard_Armband_2",
        "Samsung_Carmelo_Hard_BackPocket_1", "Samsung_Carmelo_Hard_BackPocket_2", "Samsung_Carmelo_Hard_FrontPocket_1", "Samsung_Carmelo_Hard_FrontPocket_2",
    ];

    public static TheoryData<string> Walks => new(AllWalks);

    [Theory]
    [MemberData(nameof(Walks))]
    public void Add_Walk_CountsStepsWithinThreePercent(string walk)
    {
        var (counted, truth) = Count(walk);

        Assert.True(truth > 100, $"ground truth {truth} looks wrong");
        Assert.InRange(counted, truth * 0.97, truth * 1.03);
    }

    [Fact]
    public void ReadTrueSteps_JamiesArmbandWalks_FootSwitchesBounced()
    {
        // The two walks whose published truth the counter missed by 3.9 % and 4.4 %: their foot switches closed
        // twice within 0.1-0.2 s (the same foot again, with no step of the other between), which no stride can do.
        foreach (var walk in AllWalks.Where(w => w.StartsWith("Pixel_Jamie_Hard_Armband", StringComparison.Ordinal)))
        {
            var path = Path.Combine(TestRecordings.Root, "oxford-step-counter", walk, "stepcounter.csv");
            var published = OxfordRecording.ReadTrueSteps(path, TimeSpan.Zero);
            var debounced = OxfordRecording.ReadTrueSteps(path);

            Assert.InRange(published - debounced, 8, 12);
        }
    }

    [Fact]
    public void Add_EveryWalkAtEveryPlacement_TotalWithinOnePercent()
    {
        var walks = AllWalks.Select(Count).ToList();

        var (counted, truth) = (walks.Sum(w => w.Counted), walks.Sum(w => w.Truth));

        Assert.InRange(counted, truth * 0.99, truth * 1.01);
    }

    private static (long Counted, long Truth) Count(string walk)
    {
        var dir = Path.Combine(TestRecordings.Root, "oxford-step-counter", walk);
        var counter = new StepCounter();
        foreach (var sample in OxfordRecording.ReadAccelerometer(Path.Combine(dir, "accelerometer.csv")))
        {
            counter.Add(sample);
        }

        return (counter.Steps, OxfordRecording.ReadTrueSteps(Path.Combine(dir, "stepcounter.csv")));
    }
}
