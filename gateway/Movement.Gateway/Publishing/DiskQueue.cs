using System.Buffers.Binary;
using System.Text;

namespace Movement.Gateway.Publishing;

/// <summary>
/// A bounded, durable FIFO of outgoing messages: append-only segment files of records
/// <c>[u32 length][u32 crc32][payload]</c>, and a 16-byte <c>head</c> file (segment number, offset) that
/// moves forward as the broker acknowledges. On open, segments are scanned; a torn record at the tail (crash
/// mid-write) is cut off. Delivery is at-least-once: a crash between the broker's acknowledgement and the head
/// update repeats that one message, which receivers drop by batch sequence. Counts are kept per topic as well
/// (one queue serves every sensor; each sensor's status reports its own).
/// </summary>
public sealed class DiskQueue : IDisposable
{
    private const int RecordHeaderSize = 8;
    private const string SegmentExtension = ".seg";
    private readonly object _lock = new();
    private readonly OutgoingQueueOptions _options;
    private readonly string _directory;
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<string, long> _countByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _droppedByTopic = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _available = new(0);
    private readonly FileStream _headFile;
    private FileStream? _writer;
    private FileStream? _reader;
    private long _headOffset;
    private long _lastFsyncTicks;
    private PeekedRecord? _peeked;

    private DiskQueue(OutgoingQueueOptions options)
    {
        _options = options;
        _directory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(_directory);
        _headFile = new FileStream(Path.Combine(_directory, "head"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    /// <summary>Messages waiting for the broker.</summary>
    public long Count { get; private set; }

    /// <summary>Messages dropped (full-policy, failed write, corrupt on disk) since this process opened the queue.</summary>
    public long Dropped { get; private set; }

    /// <summary>Bytes of the segment files on disk.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bytes of records not yet delivered (what the bound applies to).</summary>
    public long PendingBytes => Bytes - _headOffset;

    /// <summary>Records that failed their CRC when read back (skipped, with the rest of their segment).</summary>
    public long Corrupt { get; private set; }

    public event Action<long>? RecordsDropped;

    /// <summary>Messages on <paramref name="topic"/> waiting for the broker.</summary>
    public long CountOf(string topic)
    {
        lock (_lock)
        {
            return _countByTopic.GetValueOrDefault(topic);
        }
    }

    /// <summary>Messages on <paramref name="topic"/> dropped since this process opened the queue.</summary>
    public long DroppedOf(string topic)
    {
        lock (_lock)
        {
            return _droppedByTopic.GetValueOrDefault(topic);
        }
    }

    public static DiskQueue Open(OutgoingQueueOptions options)
    {
        var queue = new DiskQueue(options);
        queue.Load();
        return queue;
    }

    /// <summary>
    /// Appends a message. Returns false when it was refused (full with DropNewest, or larger than a segment); a
    /// failed write (disk full or gone) is counted as dropped and rethrown.
    /// </summary>
    public bool TryEnqueue(string topic, ReadOnlySpan<byte> payload, bool retain, long enqueuedUnixMs)
    {
        var topicLength = Encoding.UTF8.GetByteCount(topic);
        var bodyLength = 1 + 2 + topicLength + 8 + payload.Length;
        var recordLength = RecordHeaderSize + bodyLength;
        var record = recordLength <= 4096 ? stackalloc byte[recordLength] : new byte[recordLength];
        var body = record[RecordHeaderSize..];
        body[0] = retain ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(body[1..], (ushort)topicLength);
        Encoding.UTF8.GetBytes(topic, body.Slice(3, topicLength));
        BinaryPrimitives.WriteInt64LittleEndian(body[(3 + topicLength)..], enqueuedUnixMs);
        payload.CopyTo(body[(11 + topicLength)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.Compute(body));

        bool accepted;
        long dropped = 0;
        IOException? failure = null;
        lock (_lock)
        {
            accepted = recordLength <= _options.SegmentBytes && recordLength <= _options.MaxBytes && topicLength <= ushort.MaxValue;
            while (accepted && PendingBytes + recordLength > _options.MaxBytes && Count > 0)
            {
                if (_options.FullPolicy == QueueFullPolicy.DropNewest)
                {
                    accepted = false;
                    break;
                }

                dropped += DropHeadSegment();
            }

            if (accepted)
            {
                try
                {
                    Append(topic, record);
                }
                catch (IOException ex)
                {
                    failure = ex;
                    accepted = false;
                }
            }

            if (!accepted)
            {
                Dropped++;
                dropped++;
                AddTo(_droppedByTopic, topic, 1);
            }
        }

        if (dropped > 0)
        {
            RecordsDropped?.Invoke(dropped);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (accepted)
        {
            Signal();
        }

        return accepted;
    }

    /// <summary>Wakes a waiter of <see cref="WaitAsync"/> (also used for work outside the queue).</summary>
    public void Signal()
    {
        if (_available.CurrentCount == 0)
        {
            _available.Release();
        }
    }

    /// <summary>Waits until a record may be available.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _available.WaitAsync(cancellationToken);

    /// <summary>The oldest record, left in place until <see cref="Ack"/>.</summary>
    public bool TryPeek(out QueuedMessage message)
    {
        lock (_lock)
        {
            message = default;
            while (Count > 0)
            {
                if (_peeked is { } cached)
                {
                    message = cached.Message;
                    return true;
                }

                var head = _segments[0];
                if (_headOffset >= head.Length)
                {
                    if (_segments.Count == 1)
                    {
                        return false;
                    }

                    RemoveHeadSegment();
                    continue;
                }

                _reader ??= new FileStream(head.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                _reader.Position = _headOffset;
                if (!TryReadRecord(_reader, head.Length, out var body, out var length) || !TryParseBody(body, out var parsed))
                {
                    // A record that fails its CRC in the middle of the queue: the rest of its segment is unframed.
                    Corrupt++;
                    DropHeadSegment();
                    continue;
                }

                _peeked = new PeekedRecord(parsed, length);
                message = parsed;
                return true;
            }

            return false;
        }
    }

    /// <summary>Removes the record last returned by <see cref="TryPeek"/>: the broker has it.</summary>
    public void Ack()
    {
        lock (_lock)
        {
            if (_peeked is not { } peeked)
            {
                // The full-policy dropped the in-flight record's segment meanwhile: nothing left to remove.
                return;
            }

            _peeked = null;
            _headOffset += peeked.Length;
            _segments[0].Remove(peeked.Message.Topic);
            AddTo(_countByTopic, peeked.Message.Topic, -1);
            Count--;
            if (_headOffset >= _segments[0].Length && _segments.Count > 1)
            {
                RemoveHeadSegment();
            }
            else
            {
                WriteHead();
            }
        }
    }

    /// <summary>Forces appended records to the device if the fsync interval has passed (or always, when forced).</summary>
    public void Sync(bool force = false)
    {
        lock (_lock)
        {
            if (_writer is null)
            {
                return;
            }

            var now = Environment.TickCount64;
            if (force || TimeSpan.FromMilliseconds(now - _lastFsyncTicks) >= _options.FsyncInterval)
            {
                _writer.Flush(flushToDisk: true);
                _headFile.Flush(flushToDisk: true);
                _lastFsyncTicks = now;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Flush(flushToDisk: true);
            _writer?.Dispose();
            _reader?.Dispose();
            _headFile.Dispose();
            _writer = null;
            _reader = null;
        }

        _available.Dispose();
    }

    private void Load()
    {
        var files = Directory.GetFiles(_directory, "*" + SegmentExtension)
            .Select(p => (Path: p, Number: long.TryParse(Path.GetFileNameWithoutExtension(p), out var n) ? n : -1))
            .Where(f => f.Number >= 0)
            .OrderBy(f => f.Number)
            .ToList();
        Span<byte> headBytes = stackalloc byte[16];
        long headSegment = -1, headOffset = 0;
        if (_headFile.Length >= 16)
        {
            _headFile.Position = 0;
            _headFile.ReadExactly(headBytes);
            headSegment = BinaryPrimitives.ReadInt64LittleEndian(headBytes);
            headOffset = BinaryPrimitives.ReadInt64LittleEndian(headBytes[8..]);
        }

        foreach (var (path, number) in files)
        {
            if (number < headSegment)
            {
                File.Delete(path); // fully delivered before the last shutdown
                continue;
            }

            var segment = new Segment(number, path);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                var start = number == headSegment ? Math.Min(headOffset, stream.Length) : 0;
                segment.Length = ScanRecords(stream, start, segment);
                var good = segment.Length;
                if (good < stream.Length)
                {
                    stream.Dispose();
                    using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                    truncate.SetLength(good); // torn or corrupt tail: cut it off so appends stay framed
                }
            }

            _segments.Add(segment);
            Count += segment.Records;
            Bytes += segment.Length;
            foreach (var (topic, records) in segment.RecordsByTopic)
            {
                AddTo(_countByTopic, topic, records);
            }
        }

        if (_segments.Count == 0 || headSegment != _segments[0].Number)
        {
            _headOffset = 0;
        }
        else
        {
            _headOffset = Math.Min(headOffset, _segments[0].Length);
        }

        if (_segments.Count == 0)
        {
            NewSegment(0);
        }
        else
        {
            _writer = new FileStream(_segments[^1].Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        }

        WriteHead();
        if (Count > 0)
        {
            _available.Release();
        }
    }

    /// <summary>Adds the whole records from <paramref name="start"/> to <paramref name="segment"/>; returns where they end.</summary>
    private static long ScanRecords(FileStream stream, long start, Segment segment)
    {
        stream.Position = start;
        var good = start;
        while (TryReadRecord(stream, stream.Length, out var body, out var length) && TryParseBody(body, out var message))
        {
            good += length;
            segment.Add(message.Topic);
        }

        return good;
    }

    private static bool TryReadRecord(FileStream stream, long end, out byte[] body, out int recordLength)
    {
        body = [];
        recordLength = 0;
        Span<byte> header = stackalloc byte[RecordHeaderSize];
        if (end - stream.Position < RecordHeaderSize || stream.Read(header) != RecordHeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > end - stream.Position || length > int.MaxValue - RecordHeaderSize)
        {
            return false;
        }

        body = new byte[length];
        if (stream.Read(body) != length || Crc32.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..]))
        {
            return false;
        }

        recordLength = RecordHeaderSize + (int)length;
        return true;
    }

    private static bool TryParseBody(byte[] body, out QueuedMessage message)
    {
        message = default;
        if (body.Length < 11)
        {
            return false;
        }

        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(1));
        if (body.Length < 11 + topicLength)
        {
            return false;
        }

        message = new QueuedMessage(
            Encoding.UTF8.GetString(body, 3, topicLength),
            body.AsMemory(11 + topicLength),
            body[0] == 1,
            BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(3 + topicLength)));
        return true;
    }

    private void Append(string topic, ReadOnlySpan<byte> record)
    {
        var last = _segments[^1];
        if (last.Length > 0 && last.Length + record.Length > _options.SegmentBytes)
        {
            _writer!.Flush(flushToDisk: true);
            _writer.Dispose();
            NewSegment(last.Number + 1);
            last = _segments[^1];
        }

        _writer!.Write(record);
        _writer.Flush(); // to the OS now: a process crash loses nothing
        last.Length += record.Length;
        last.Add(topic);
        AddTo(_countByTopic, topic, 1);
        Bytes += record.Length;
        Count++;
        if (_options.FsyncInterval == TimeSpan.Zero)
        {
            _writer.Flush(flushToDisk: true);
        }
    }

    private void NewSegment(long number)
    {
        var path = Path.Combine(_directory, $"{number:D12}{SegmentExtension}");
        _writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        _segments.Add(new Segment(number, path));
    }

    /// <summary>Discards the head segment's undelivered records (DropOldest, or a corrupt record). Returns how many.</summary>
    private long DropHeadSegment()
    {
        var head = _segments[0];
        foreach (var (topic, records) in head.RecordsByTopic)
        {
            AddTo(_countByTopic, topic, -records);
            AddTo(_droppedByTopic, topic, records);
        }

        var lost = head.Records;
        RemoveHeadSegment();
        Count -= lost;
        Dropped += lost;
        return lost;
    }

    private static void AddTo(Dictionary<string, long> counts, string topic, long delta)
    {
        var count = counts.GetValueOrDefault(topic) + delta;
        if (count == 0)
        {
            counts.Remove(topic);
        }
        else
        {
            counts[topic] = count;
        }
    }

    /// <summary>Deletes the head segment; if it is also the one being written, appends continue in a fresh segment.</summary>
    private void RemoveHeadSegment()
    {
        var head = _segments[0];
        if (_segments.Count == 1)
        {
            _writer?.Dispose();
            NewSegment(head.Number + 1);
        }

        _reader?.Dispose();
        _reader = null;
        _peeked = null;
        _segments.RemoveAt(0);
        Bytes -= head.Length;
        File.Delete(head.Path);
        _headOffset = 0;
        WriteHead();
    }

    private void WriteHead()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _segments.Count > 0 ? _segments[0].Number : 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], _headOffset);
        RandomAccess.Write(_headFile.SafeFileHandle, bytes, 0);
    }

    private sealed class Segment(long number, string path)
    {
        public long Number { get; } = number;

        public string Path { get; } = path;

        public long Length { get; set; }

        /// <summary>Undelivered records in this segment, by topic.</summary>
        public Dictionary<string, int> RecordsByTopic { get; } = new(StringComparer.Ordinal);

        public int Records { get; private set; }

        public void Add(string topic)
        {
            RecordsByTopic[topic] = RecordsByTopic.GetValueOrDefault(topic) + 1;
            Records++;
        }

        public void Remove(string topic)
        {
            if (RecordsByTopic.TryGetValue(topic, out var records))
            {
                if (records == 1)
                {
                    RecordsByTopic.Remove(topic);
                }
                else
                {
                    RecordsByTopic[topic] = records - 1;
                }
            }

            Records--;
        }
    }

    private readonly record struct PeekedRecord(QueuedMessage Message, int Length);
}

/// <summary>A message read back from the queue.</summary>
public readonly record struct QueuedMessage(string Topic, ReadOnlyMemory<byte> Payload, bool Retain, long EnqueuedUnixMs);
