using Microsoft.Extensions.Time.Testing;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>Rejected messages are logged at a limited rate (issue 14: 1000 bad messages gave 2000 log lines).</summary>
public sealed class MqttConnectionRejectionTests
{
    [Fact]
    public void RejectMessage_ThousandBadMessages_LogsTheLimitThenOneLineCountingTheRest()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
        var log = new LineLog();
        using var connection = new MqttConnection(new MqttConnectionOptions { Host = "127.0.0.1" }, new MqttConnectionSetup { ClientName = "classifier" }, log, time);

        for (var i = 0; i < 1000; i++)
        {
            connection.RejectMessage("movement/v1/site-1/sensors/imu-1/samples", $"bad batch {i}");
        }

        Assert.Equal(MqttConnection.RejectionLogLimit, log.Lines.Count);
        time.Advance(MqttConnection.RejectionLogWindow);
        connection.RejectMessage("movement/v1/site-1/sensors/imu-1/samples", "one more");

        Assert.Equal(MqttConnection.RejectionLogLimit + 2, log.Lines.Count);
        Assert.Contains((1000 - MqttConnection.RejectionLogLimit).ToString(System.Globalization.CultureInfo.InvariantCulture), log.Lines[^2], StringComparison.Ordinal);
        Assert.Contains("one more", log.Lines[^1], StringComparison.Ordinal);
    }
}
