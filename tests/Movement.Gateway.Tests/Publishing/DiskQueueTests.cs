using System.Text;
using Movement.Gateway.Publishing;

namespace Movement.Gateway.Tests.Publishing;

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

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
