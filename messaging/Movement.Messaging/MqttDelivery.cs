namespace Movement.Messaging;

/// <summary>The publish-until-delivered rule every component uses (through <see cref="MqttConnection.PublishUntilDeliveredAsync"/>).</summary>
public static class MqttDelivery
{
    /// <summary>
    /// Runs <paramref name="publish"/> until it succeeds (true) or the broker refuses the message (false, after
    /// <paramref name="onRefused"/>). A lost connection, or a timeout MQTTnet reports as
    /// <see cref="OperationCanceledException"/> while <paramref name="cancellationToken"/> has not fired, waits for
    /// <paramref name="waitConnected"/> and retries; cancellation of <paramref name="cancellationToken"/> ends it.
    /// </summary>
    public static async Task<bool> UntilDeliveredAsync(Func<CancellationToken, Task> publish, Func<CancellationToken, Task> waitConnected,
        Action<MqttPublishRefusedException> onRefused, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await publish(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (MqttPublishRefusedException ex)
            {
                onRefused(ex);
                return false;
            }
            catch (Exception ex) when (ex is MqttNotConnectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await waitConnected(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
