using System.Collections.Immutable;

namespace AuthProxy.Policy;

/// <summary>One entry of a policy's <c>Claims</c>: the claim must equal one of <see cref="Values"/> (a string claim) or contain one (an array claim).</summary>
internal sealed record ClaimRule(string Name, ImmutableArray<string> Values);
