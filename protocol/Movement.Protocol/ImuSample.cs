namespace Movement.Protocol;

/// <summary>One inertial sample. Accelerometer in m/s², gyroscope in rad/s (NaN when the sensor has none).</summary>
/// <param name="TimestampUs">Unix time of the sample in microseconds.</param>
public readonly record struct ImuSample(
    long TimestampUs,
    float AccelX, float AccelY, float AccelZ,
    float GyroX = float.NaN, float GyroY = float.NaN, float GyroZ = float.NaN)
{
    public bool HasGyro => !float.IsNaN(GyroX);
}
