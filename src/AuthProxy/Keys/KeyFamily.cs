namespace AuthProxy.Keys;

/// <summary>The kinds of key a JWS algorithm needs. A key serves one family only.</summary>
internal enum KeyFamily
{
    Hmac,
    Rsa,
    RsaPss,
    Ec,
    EdDsa,
}
