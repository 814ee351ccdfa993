using AuthProxy.Authentication;
using AuthProxy.Errors;

namespace AuthProxy.Tokens.Gsql;

/// <summary>The answer of a token check: the valid token's caller, or why one of AuthProxy's tokens is not valid (or that it is not one).</summary>
internal readonly record struct CheckedToken(CallerIdentity? Caller, Refusal Refusal);
