namespace AuthProxy.Parameters;

/// <summary>
/// The request body as YARP forwards it, read through a <see cref="BodyScan"/> on the way. It holds
/// back the body's last byte until the whole body has been read and checked: when a refused
/// parameter turns up, reading fails (<see cref="BodyParameterException"/>), YARP aborts the
/// request to the backend, and the backend never receives a complete body, so no backend acts on
/// it. No body is buffered; nothing is read ahead of what YARP asks for.
/// </summary>
internal sealed class ParameterScanningStream(Stream inner, BodyScan scan) : Stream
{
    private readonly byte[] _one = new byte[1];
    private bool _ended;
    private bool _holding;
    private byte _held;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // YARP's zero-byte read waits for data without taking any.
            return _ended ? 0 : await inner.ReadAsync(buffer, cancellationToken);
        }

        while (true)
        {
            if (_ended)
            {
                return Release(buffer.Span);
            }

            if (_holding && buffer.Length == 1)
            {
                // No room beside the held byte: read one more to learn whether the held one is the last.
                var read = await inner.ReadAsync(_one, cancellationToken);
                if (read == 0)
                {
                    End();
                    continue;
                }

                Check(_one);
                buffer.Span[0] = _held;
                _held = _one[0];
                return 1;
            }

            var offset = _holding ? 1 : 0;
            var count = await inner.ReadAsync(buffer[offset..], cancellationToken);
            if (count == 0)
            {
                End();
                continue;
            }

            var span = buffer.Span;
            Check(span.Slice(offset, count));
            if (_holding)
            {
                span[0] = _held;
            }

            var total = offset + count;
            _held = span[total - 1];
            _holding = true;
            if (total > 1)
            {
                return total - 1;
            }

            // The only byte read is held back; read on.
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Kestrel refuses synchronous reads of a request body; so does this stream.</summary>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The request body is read asynchronously only");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Check(ReadOnlySpan<byte> data)
    {
        if (scan.Read(data))
        {
            throw new BodyParameterException();
        }
    }

    private void End()
    {
        if (scan.Complete())
        {
            throw new BodyParameterException();
        }

        _ended = true;
    }

    private int Release(Span<byte> buffer)
    {
        if (!_holding)
        {
            return 0;
        }

        _holding = false;
        buffer[0] = _held;
        return 1;
    }
}
