using System.Text;
using Xunit.Abstractions;
using Movement.Dashboard.HomeSteps;

namespace Movement.Dashboard.Tests.HomeSteps.Import;

/// <summary>Runs alone (after the parallel tests), so the managed heap it measures is its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuredCollection
{
    public const string Name = "Heap measured";
}

[Collection(HeapMeasuredCollection.Name)]
public sealed class AppleHealthReaderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("2026-03-29 01:30:00 +0100", "2026-03-29T00:30:00Z")]
    [InlineData("2026-10-25 01:30:00 +0000", "2026-10-25T01:30:00Z")]
    [InlineData("2026-07-01 09:15:00 -0700", "2026-07-01T16:15:00Z")]
    [InlineData("2026-07-01T09:15:00+02:00", "2026-07-01T07:15:00Z")]
    public void TryParseDate_AppleFormat_TheInstantWithItsOffset(string text, string utc)
    {
        Assert.True(AppleHealthReader.TryParseDate(text, out var instant));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), instant);
    }

    [Theory]
    [InlineData("2026-03-29 01:30:00")]
    [InlineData("29/03/2026 01:30 +0100")]
    [InlineData("")]
    public void TryParseDate_NoOffsetOrOtherFormat_False(string text) => Assert.False(AppleHealthReader.TryParseDate(text, out _));

    [Fact]
    public void Read_SamplesInFileOrder_SourcesNumberedAsMet()
    {
        var sources = new ImportedSources();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(StepExports.AppleAcrossClockChanges()));

        var samples = AppleHealthReader.Read(stream, sources).ToList();

        Assert.Equal([StepExports.IPhone, StepExports.Watch], sources.All.Select(s => s.Name));
        Assert.Equal(8, samples.Count);
        Assert.Equal((0, new DateTimeOffset(2026, 3, 28, 23, 30, 0, TimeSpan.Zero), 600L), (samples[0].SourceIndex, samples[0].Start, samples[0].Steps));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 10, 0, TimeSpan.Zero), samples[1].End);
    }

    /// <summary>
    /// A 200 MB export.xml, generated as it is read (never held anywhere): the first record comes out after the
    /// reader has taken a few kB of it, and the managed heap does not grow with the file while all of it is read.
    /// </summary>
    [Fact]
    public void Read_ExportOf200MB_StreamedInBoundedMemory()
    {
        const long size = 200_000_000;
        using var stream = new GeneratedExport(size);
        var sources = new ImportedSources();
        long count = 0;
        long readAtFirst = 0;
        long baseline = 0;
        long largest = 0;
        foreach (var sample in AppleHealthReader.Read(stream, sources))
        {
            if (count++ == 0)
            {
                readAtFirst = stream.BytesRead;
                baseline = GC.GetTotalMemory(forceFullCollection: true);
            }
            else if (count % 100_000 == 0)
            {
                largest = Math.Max(largest, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }

            Assert.Equal(GeneratedExport.StepsPerRecord, sample.Steps);
        }

        output.WriteLine($"{count:N0} records, {stream.BytesRead:N0} bytes; {readAtFirst:N0} bytes read at the first record; heap growth at most {largest:N0} bytes");
        Assert.Equal(stream.Records, count);
        Assert.True(stream.BytesRead >= size, $"read {stream.BytesRead:N0} bytes");
        Assert.True(readAtFirst < 100_000, $"{readAtFirst:N0} bytes read before the first record");
        Assert.True(largest < 16_000_000, $"the heap grew by {largest:N0} bytes while {size:N0} were read");
        Assert.Equal(2, sources.All.Count);
    }

    /// <summary>An export.xml of about <c>size</c> bytes: step records from two sources, one a minute, made as the reader asks for bytes.</summary>
    private sealed class GeneratedExport(long size) : Stream
    {
        public const long StepsPerRecord = 42;
        private readonly DateTimeOffset _start = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private byte[] _pending = Encoding.UTF8.GetBytes(StepExports.AppleHeader);
        private int _offset;
        private bool _ended;

        public long BytesRead { get; private set; }

        public long Records { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length && !Refill())
                {
                    break;
                }

                var n = Math.Min(count - written, _pending.Length - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, n);
                (_offset, written) = (_offset + n, written + n);
            }

            BytesRead += written;
            return written;
        }

        private bool Refill()
        {
            if (_ended)
            {
                return false;
            }

            if (BytesRead + _pending.Length >= size)
            {
                (_pending, _ended) = (Encoding.UTF8.GetBytes(StepExports.AppleFooter), true);
            }
            else
            {
                var start = _start.AddMinutes(Records);
                var source = Records % 2 == 0 ? StepExports.IPhone : StepExports.Watch;
                _pending = Encoding.UTF8.GetBytes(StepExports.AppleSteps(source, start.ToString("yyyy-MM-dd HH:mm:ss +0000"),
                    start.AddMinutes(1).ToString("yyyy-MM-dd HH:mm:ss +0000"), StepsPerRecord.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Records++;
            }

            _offset = 0;
            return true;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
