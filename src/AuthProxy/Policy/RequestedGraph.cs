namespace AuthProxy.Policy;

/// <summary>The request feature naming the graph the request asked for, as the policy read it: the access line shows it, allowed or refused.</summary>
internal sealed record RequestedGraph(string Name);
