using Movement.Tests;
using Movement.Classifier.Pipeline;
using Movement.Motion.Recordings;

namespace Movement.Classifier.Tests.RealData;

/// <summary>Step counting on the Oxford Step Counter DataSet (CC BY 4.0): phone in the front pocket, i.e. on the thigh.</summary>
public sealed class OxfordStepTests
{
    public static TheoryData<string> Walks => new()
    {
        "Pixel_Jamie_Hard_FrontPocket_1",
        "Pixel_Jamie_Hard_FrontPocket_2",
        "Samsung_Carmelo_Hard_FrontPocket_1",
        "Samsung_Carmelo_Hard_FrontPocket_2",
    };

    [Theory]
    [MemberData(nameof(Walks))]
    public void Add_FrontPocketWalk_CountsStepsWithinThreePercent(string walk)
    {
        var dir = Path.Combine(TestRecordings.Root, "oxford-step-counter", walk);
        var truth = OxfordRecording.ReadTrueSteps(Path.Combine(dir, "stepcounter.csv"));
        var counter = new StepCounter();
        foreach (var sample in OxfordRecording.ReadAccelerometer(Path.Combine(dir, "accelerometer.csv")))
        {
            counter.Add(sample);
        }

        Assert.True(truth > 100, $"ground truth {truth} looks wrong");
        Assert.InRange(counter.Steps, truth * 0.97, truth * 1.03);
    }
}
