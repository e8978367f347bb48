using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Motion.Tests.Recordings;

/// <summary>The CMU lower-limb layout on invented rows (the real files are evaluation-only and not in the repository).</summary>
public class CmuLowerLimbFileTests
{
    // Two sensors, each Time, Orientation (4), Accelerometer (3), Gyroscope (3); columns in the real files' order.
    private const string Imu = """
        ,Chest,Chest,Chest,Chest,Chest,Chest,Chest,Chest,Chest,Chest,Chest,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh,Thigh
        ,Time,Orientation,Orientation,Orientation,Orientation,Accelerometer,Accelerometer,Accelerometer,Gyroscope,Gyroscope,Gyroscope,Time,Orientation,Orientation,Orientation,Orientation,Accelerometer,Accelerometer,Accelerometer,Gyroscope,Gyroscope,Gyroscope
        ,S,S,X,Y,Z,X,Y,Z,X,Y,Z,S,S,X,Y,Z,X,Y,Z,X,Y,Z
        0,1.00,1,0,0,0,0.1,0.2,9.8,0.01,0.02,0.03,1.00,1,0,0,0,-9.7,0.5,0.25,1.5,-0.5,0.125
        1,1.01,1,0,0,0,0.1,0.2,9.8,0.01,0.02,0.03,1.01,1,0,0,0,-9.6,0.4,0.5,1.25,-0.25,0.5
        """;

    [Fact]
    public void ReadImu_OneSensorOfSeveral_TakesItsTimeAccelerometerAndGyroscope()
    {
        var result = CmuLowerLimbFile.ReadImu(new StringReader(Imu), "Thigh", "rep.csv");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            [new ImuSample(1_000_000, -9.7f, 0.5f, 0.25f, 1.5f, -0.5f, 0.125f), new ImuSample(1_010_000, -9.6f, 0.4f, 0.5f, 1.25f, -0.25f, 0.5f)],
            result.Samples);
    }

    [Fact]
    public void ReadImu_BadNumberAndTimeGoingBack_ReportsThoseRowsKeepsTheRest()
    {
        var text = Imu + "\n2,1.02,1,0,0,0,0,0,9.8,0,0,0,1.02,1,0,0,0,abc,0,0,0,0,0\n3,1.03,1,0,0,0,0,0,9.8,0,0,0,1.005,1,0,0,0,-9.8,0,0,0,0,0\n";

        var result = CmuLowerLimbFile.ReadImu(new StringReader(text), "Thigh", "rep.csv");

        Assert.Equal(2, result.Samples.Count);
        Assert.Equal([6, 7], result.Errors.Select(e => e.Line)); // 1-based, after the three header rows and two good rows
        Assert.Throws<RecordingFormatException>(() => result.EnsureValid());
    }

    [Fact]
    public void ReadImu_SensorNotInTheFile_ThrowsFormatExceptionNamingIt()
    {
        var e = Assert.Throws<FormatException>(() => CmuLowerLimbFile.ReadImu(new StringReader(Imu), "Shank", "rep.csv"));

        Assert.Contains("Shank", e.Message);
    }

    [Fact]
    public void ReadColumn_JointAngleAxis_ReturnsOneValuePerRow()
    {
        const string angles = """
            ,LeftKneeAngle,RightKneeAngle,RightKneeAngle
            ,ML,ML,ML
            ,X,X,Y
            0,-5.5,-12.25,1
            1,-6.5,-20.5,2
            """;

        var (values, errors) = CmuLowerLimbFile.ReadColumn(new StringReader(angles), "RightKneeAngle", "X", "angles.csv");

        Assert.Empty(errors);
        Assert.Equal([-12.25, -20.5], values);
    }
}
