namespace AuthProxy.Limits;

/// <summary>A <c>By</c> value: <c>user</c>, <c>graph</c>, <c>address</c> or <c>claim:NAME</c>.</summary>
internal readonly record struct PartitionBy(PartitionKind Kind, string? ClaimName = null)
{
    public const string Expected = "user, graph, address or claim:NAME";

    public static bool TryParse(string? text, out PartitionBy by)
    {
        by = default;
        switch (text?.Trim())
        {
            case null or "":
                return false;
            case var t when t.Equals("user", StringComparison.OrdinalIgnoreCase):
                by = new(PartitionKind.User);
                return true;
            case var t when t.Equals("graph", StringComparison.OrdinalIgnoreCase):
                by = new(PartitionKind.Graph);
                return true;
            case var t when t.Equals("address", StringComparison.OrdinalIgnoreCase):
                by = new(PartitionKind.Address);
                return true;
            case var t when t.StartsWith("claim:", StringComparison.OrdinalIgnoreCase) && t.Length > "claim:".Length:
                by = new(PartitionKind.Claim, t["claim:".Length..]); // claim names are case-sensitive, as in the token
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => Kind switch
    {
        PartitionKind.User => "user",
        PartitionKind.Graph => "graph",
        PartitionKind.Address => "address",
        _ => "claim:" + ClaimName,
    };
}
