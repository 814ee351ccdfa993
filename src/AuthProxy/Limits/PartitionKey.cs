using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace AuthProxy.Limits;

/// <summary>
/// One partition of a limit: a text value (user, graph, claim value) or a client address. Built
/// without allocating: the text is a string the request already holds, an address is folded into
/// its bits, and an IPv6 address into its /64 (one client holds a whole /64, and rotating within
/// it must not make it many partitions).
/// </summary>
internal readonly struct PartitionKey : IEquatable<PartitionKey>
{
    private readonly string? _text;
    private readonly ulong _bits;
    private readonly byte _family; // 0 text, 4 IPv4, 6 IPv6 /64, 255 unknown address

    private PartitionKey(string? text, ulong bits, byte family)
    {
        _text = text;
        _bits = bits;
        _family = family;
    }

    public static PartitionKey Text(string value) => new(value, 0, 0);

    public static PartitionKey Address(IPAddress? address)
    {
        if (address is null)
        {
            return new(null, 0, 255);
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return new(null, 0, 255);
        }

        if (written == 4)
        {
            return new(null, BinaryPrimitives.ReadUInt32BigEndian(bytes), 4);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            return new(null, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]), 4);
        }

        return new(null, BinaryPrimitives.ReadUInt64BigEndian(bytes), 6);
    }

    public bool Equals(PartitionKey other) =>
        _family == other._family && _bits == other._bits && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is PartitionKey other && Equals(other);

    public override int GetHashCode() => _text is null ? HashCode.Combine(_bits, _family) : StringComparer.Ordinal.GetHashCode(_text);

    public static bool operator ==(PartitionKey left, PartitionKey right) => left.Equals(right);

    public static bool operator !=(PartitionKey left, PartitionKey right) => !left.Equals(right);
}
