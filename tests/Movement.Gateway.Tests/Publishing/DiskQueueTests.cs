using System.Text;
using Movement.Gateway.Publishing;

namespace Movement.Gateway.Tests.Publishing;

[Trait("Category", "Integration")]
public sealed class DiskQueueTests : IDisposable
{
    private readonly string _directory = GatewayHost.TempDirectory();

    private OutgoingQueueOptions Options(long maxBytes = 1 << 20, long segmentBytes = 4096, QueueFullPolicy policy = QueueFullPolicy.DropOldest) => new()
    {
        Directory = _directory,
        MaxBytes = maxBytes,
        SegmentBytes = segmentBytes,
        FullPolicy = policy,
    };

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes($"message-{i:D5}-{new string('x', 100)}");

    private static List<string> DrainAll(DiskQueue queue)
    {
        var list = new List<string>();
        while (queue.TryPeek(out var message))
        {
            list.Add(Encoding.UTF8.GetString(message.Payload.Span)[..13]);
            queue.Ack();
        }

        return list;
    }

    [Fact]
    public void TryPeekAck_ManySegments_ReturnsAllInOrder()
    {
        using var queue = DiskQueue.Open(Options());
        for (var i = 0; i < 200; i++)
        {
            Assert.True(queue.TryEnqueue("t/1", Payload(i), false, i));
        }

        Assert.Equal(200, queue.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"message-{i:D5}"), DrainAll(queue));
        Assert.Equal(0, queue.Count);
        Assert.True(Directory.GetFiles(_directory, "*.seg").Length <= 1, "delivered segments are deleted");
    }

    [Fact]
    public void Open_AfterRestart_KeepsUndeliveredRecordsOnly()
    {
        using (var queue = DiskQueue.Open(Options()))
        {
            for (var i = 0; i < 100; i++)
            {
                queue.TryEnqueue("t/1", Payload(i), false, i);
            }

            for (var i = 0; i < 40; i++)
            {
                Assert.True(queue.TryPeek(out _));
                queue.Ack();
            }
        }

        using var reopened = DiskQueue.Open(Options());

        Assert.Equal(60, reopened.Count);
        Assert.Equal(Enumerable.Range(40, 60).Select(i => $"message-{i:D5}"), DrainAll(reopened));
    }

    [Fact]
    public void Open_TornRecordAtTail_IsCutAndAppendsContinue()
    {
        using (var queue = DiskQueue.Open(Options(segmentBytes: 1 << 20)))
        {
            for (var i = 0; i < 5; i++)
            {
                queue.TryEnqueue("t/1", Payload(i), false, i);
            }
        }

        var segment = Directory.GetFiles(_directory, "*.seg").Single();
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(stream.Length - 7); // a crash in the middle of the last write
        }

        using var reopened = DiskQueue.Open(Options(segmentBytes: 1 << 20));
        reopened.TryEnqueue("t/1", Payload(5), false, 5);

        Assert.Equal(["message-00000", "message-00001", "message-00002", "message-00003", "message-00005"], DrainAll(reopened));
    }

    [Fact]
    public void TryPeek_CorruptRecordMidQueue_SkipsRestOfSegmentAndCountsIt()
    {
        using (var queue = DiskQueue.Open(Options(segmentBytes: 1 << 20)))
        {
            for (var i = 0; i < 3; i++)
            {
                queue.TryEnqueue("t/1", Payload(i), false, i);
            }
        }

        using var reopened = DiskQueue.Open(Options(segmentBytes: 1 << 20));
        var segment = Directory.GetFiles(_directory, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[20] ^= 0xFF; // flip a byte inside the first record's body after open (bit rot)
        File.WriteAllBytes(segment, bytes);

        Assert.False(reopened.TryPeek(out _));
        Assert.Equal(1, reopened.Corrupt);
        Assert.Equal(3, reopened.Dropped);
    }

    [Fact]
    public void TryEnqueue_FullWithDropOldest_DiscardsOldestSegment()
    {
        using var queue = DiskQueue.Open(Options(maxBytes: 64 * 1024, segmentBytes: 4096));
        var dropped = 0L;
        queue.RecordsDropped += n => dropped += n;
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(queue.TryEnqueue("t/1", Payload(i), false, i));
        }

        var delivered = DrainAll(queue);

        Assert.True(queue.Dropped > 0);
        Assert.Equal(queue.Dropped, dropped);
        Assert.Equal(1000, delivered.Count + queue.Dropped);
        Assert.Equal("message-00999", delivered[^1]);
        Assert.Equal(delivered.OrderBy(x => x, StringComparer.Ordinal), delivered);
    }

    [Fact]
    public void TryEnqueue_FullWithDropNewest_KeepsTheStart()
    {
        using var queue = DiskQueue.Open(Options(maxBytes: 64 * 1024, segmentBytes: 4096, policy: QueueFullPolicy.DropNewest));
        var accepted = Enumerable.Range(0, 1000).Count(i => queue.TryEnqueue("t/1", Payload(i), false, i));

        var delivered = DrainAll(queue);

        Assert.True(accepted < 1000);
        Assert.Equal(1000 - accepted, queue.Dropped);
        Assert.Equal(Enumerable.Range(0, accepted).Select(i => $"message-{i:D5}"), delivered);
    }

    [Fact]
    public void Ack_InFlightRecordDroppedByFullPolicy_DoesNotThrowOrSkipSurvivors()
    {
        using var queue = DiskQueue.Open(Options(maxBytes: 64 * 1024, segmentBytes: 4096));
        queue.TryEnqueue("t/1", Payload(0), false, 0);
        Assert.True(queue.TryPeek(out var inFlight));
        for (var i = 1; i < 1000; i++)
        {
            queue.TryEnqueue("t/1", Payload(i), false, i);
        }

        queue.Ack(); // the publisher finishes the record whose segment was dropped meanwhile

        var delivered = DrainAll(queue);
        Assert.StartsWith("message-00000", System.Text.Encoding.UTF8.GetString(inFlight.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(1000 - queue.Dropped, delivered.Count);
        Assert.Equal("message-00999", delivered[^1]);
    }

    [Fact]
    public void CountOfDroppedOf_TwoTopicsShareSegmentsThatDropOldestDiscards_EachTopicAccountedAndKeptAcrossReopen()
    {
        string[] topics = ["s/a", "s/b"];
        var enqueued = new Dictionary<string, long> { ["s/a"] = 0, ["s/b"] = 0 };
        var acked = new Dictionary<string, long> { ["s/a"] = 0, ["s/b"] = 0 };
        var waiting = new Dictionary<string, long>();
        using (var queue = DiskQueue.Open(Options(maxBytes: 64 * 1024, segmentBytes: 4096)))
        {
            for (var i = 0; i < 1000; i++)
            {
                var topic = topics[i % 3 == 0 ? 1 : 0]; // a:b = 2:1, mixed in every segment
                Assert.True(queue.TryEnqueue(topic, Payload(i), false, i));
                enqueued[topic]++;
                if (i % 10 == 0 && queue.TryPeek(out var head))
                {
                    queue.Ack();
                    acked[head.Topic]++;
                }
            }

            foreach (var topic in topics)
            {
                Assert.True(queue.DroppedOf(topic) > 0, $"{topic}: nothing dropped");
                Assert.Equal(enqueued[topic], acked[topic] + queue.CountOf(topic) + queue.DroppedOf(topic));
                waiting[topic] = queue.CountOf(topic);
            }

            Assert.Equal(queue.Dropped, topics.Sum(queue.DroppedOf));
            Assert.Equal(queue.Count, topics.Sum(queue.CountOf));
        }

        using var reopened = DiskQueue.Open(Options(maxBytes: 64 * 1024, segmentBytes: 4096));
        Assert.Equal(waiting, topics.ToDictionary(t => t, reopened.CountOf));
        var delivered = new Dictionary<string, long> { ["s/a"] = 0, ["s/b"] = 0 };
        while (reopened.TryPeek(out var message))
        {
            delivered[message.Topic]++;
            reopened.Ack();
        }

        Assert.Equal(waiting, delivered);
        Assert.All(topics, t => Assert.Equal(0, reopened.CountOf(t)));
        Assert.All(topics, t => Assert.Equal(0, reopened.DroppedOf(t))); // drops count from this process's open
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
