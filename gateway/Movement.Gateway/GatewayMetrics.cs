using System.Diagnostics.Metrics;

namespace Movement.Gateway;

/// <summary>The gateway's meters (meter "Movement.Gateway").</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Movement.Gateway";

    public GatewayMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        FramesRejected = Meter.CreateCounter<long>("movement.gateway.frames_rejected", "{frame}", "GATT notifications that failed to decode");
        FramesDecoded = Meter.CreateCounter<long>("movement.gateway.frames_decoded", "{frame}", "GATT notifications decoded");
        SamplesDecoded = Meter.CreateCounter<long>("movement.gateway.samples_decoded", "{sample}", "IMU samples decoded");
        BatchesEnqueued = Meter.CreateCounter<long>("movement.gateway.batches_enqueued", "{batch}", "Sample batches written to the outgoing queue");
        BatchesPublished = Meter.CreateCounter<long>("movement.gateway.messages_published", "{message}", "Queued messages acknowledged by the broker");
        BatchesDropped = Meter.CreateCounter<long>("movement.gateway.queue_dropped", "{message}", "Messages dropped because the outgoing queue was full");
        SensorConnects = Meter.CreateCounter<long>("movement.gateway.sensor_connects", "{connect}", "Successful sensor (re)connections");
        PublishLatency = Meter.CreateHistogram<double>("movement.gateway.publish_latency", "ms", "Time from enqueue to broker acknowledgement");
    }

    public Meter Meter { get; }

    public Counter<long> FramesRejected { get; }

    public Counter<long> FramesDecoded { get; }

    public Counter<long> SamplesDecoded { get; }

    public Counter<long> BatchesEnqueued { get; }

    public Counter<long> BatchesPublished { get; }

    public Counter<long> BatchesDropped { get; }

    public Counter<long> SensorConnects { get; }

    public Histogram<double> PublishLatency { get; }
}
