using System.Text;
using AuthProxy.Parameters;

namespace AuthProxy.Tests.Parameters;

public sealed class ParameterScanningStreamTests
{
    private static readonly string[] Names = ["_method"];

    /// <summary>Reads the stream to its end with reads of <paramref name="readSize"/> bytes; returns what was delivered and whether reading failed.</summary>
    private static async Task<(byte[] Delivered, bool Refused)> DrainAsync(Stream stream, int readSize)
    {
        var delivered = new List<byte>();
        var buffer = new byte[readSize];
        try
        {
            while (true)
            {
                Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty)); // YARP's zero-byte reads must not end the body
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return ([.. delivered], false);
                }

                delivered.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (BodyParameterException)
        {
            return ([.. delivered], true);
        }
    }

    public static TheoryData<int, int> Sizes() => new() { { 1, 1 }, { 1, 64 }, { 2, 3 }, { 7, 5 }, { 64, 1 }, { 65536, 65536 }, { 65536, 13 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task ACleanBody_IsDeliveredWhole(int chunkSize, int readSize)
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"k{i}=v{i}&")) + "method=DELETE&x_method=1");
        var stream = new ParameterScanningStream(new ChunkedStream(body, chunkSize), new BodyScan(BodyKinds.Form, Names));

        var (delivered, refused) = await DrainAsync(stream, readSize);

        Assert.False(refused);
        Assert.Equal(body, delivered);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task ARefusedParameter_StopsTheBody_BeforeItsLastByte(int chunkSize, int readSize)
    {
        foreach (var text in new[] { "_method=DELETE", "a=1&_method", "a=1&_method=D", new string('a', 100_000) + "=1&_method=DELETE" })
        {
            var body = Encoding.UTF8.GetBytes(text);
            var stream = new ParameterScanningStream(new ChunkedStream(body, chunkSize), new BodyScan(BodyKinds.Form, Names));

            var (delivered, refused) = await DrainAsync(stream, readSize);

            Assert.True(refused, text[Math.Max(0, text.Length - 20)..]);
            Assert.True(delivered.Length < body.Length, $"{delivered.Length} of {body.Length} bytes delivered");
            Assert.Equal(body.AsSpan(0, delivered.Length).ToArray(), delivered);
        }
    }

    [Fact]
    public async Task AnEmptyBody_EndsAtOnce()
    {
        var stream = new ParameterScanningStream(new ChunkedStream([], 1), new BodyScan(BodyKinds.Form, Names));

        var (delivered, refused) = await DrainAsync(stream, 16);

        Assert.False(refused);
        Assert.Empty(delivered);
    }

    /// <summary>A body that arrives <c>chunkSize</c> bytes at a time, as a network delivers it.</summary>
    private sealed class ChunkedStream(byte[] data, int chunkSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(Math.Min(chunkSize, buffer.Length), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return ValueTask.FromResult(count);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
