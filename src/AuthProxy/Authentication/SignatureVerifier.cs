using System.Buffers;
using System.Buffers.Text;
using System.Text;
using AuthProxy.Errors;
using AuthProxy.Keys;

namespace AuthProxy.Authentication;

/// <summary>
/// The signature step of <see cref="TokenValidator"/>: the issuer's keys for the token's algorithm,
/// tried in turn over the token's bytes; AuthProxy's own ECDSA tokens only with low S.
/// </summary>
internal static class SignatureVerifier
{
    /// <summary>
    /// Verifies the token's signature with a key of its issuer that accepts its algorithm (and kid);
    /// an unknown kid asks the issuer's key sources once for fresh keys. Null when it holds.
    /// </summary>
    /// <param name="claimedIssuer">The token's <c>iss</c>, or null.</param>
    public static async ValueTask<Refusal?> VerifyAsync(string token, string algorithm, string? kid, TrustedIssuer issuer, string masked, CancellationToken cancellationToken,
        string? claimedIssuer = null)
    {
        // The TigerGraph-named provider takes every token whose issuer no other provider declares; when its keys do
        // not verify one that names another issuer, the cause to chase is that undeclared issuer, not the signature.
        var refusal = await VerifyWithAsync(token, algorithm, kid, issuer, masked, cancellationToken);
        return refusal is { Kind: RefusalKind.Verification } && claimedIssuer is not null && !string.Equals(claimedIssuer, issuer.Issuer, StringComparison.Ordinal)
            ? Denials.Token(RefusalKind.Issuer, masked, $"has issuer {Denials.Show(claimedIssuer)}, which is not a trusted issuer "
                + $"(no provider declares it, and the keys of {issuer.Name} do not verify it)")
            : refusal;
    }

    private static async ValueTask<Refusal?> VerifyWithAsync(string token, string algorithm, string? kid, TrustedIssuer issuer, string masked, CancellationToken cancellationToken)
    {
        if (issuer.Algorithms is { } allowed && !allowed.Contains(algorithm))
        {
            return Denials.Token(RefusalKind.Verification, masked, $"uses algorithm {algorithm}, which {issuer.Name} does not accept");
        }

        var outcome = Verify(token, algorithm, kid, issuer);
        if (outcome == SignatureOutcome.NoKey && kid is not null)
        {
            // An unknown kid may be a key the provider has just rotated in: ask the sources once.
            var refreshed = false;
            foreach (var source in issuer.Sources)
            {
                refreshed |= await source.RefreshForUnknownKidAsync(cancellationToken);
            }

            if (refreshed)
            {
                outcome = Verify(token, algorithm, kid, issuer);
            }
        }

        return outcome switch
        {
            SignatureOutcome.Verified => null,
            SignatureOutcome.Invalid => Denials.Token(RefusalKind.Verification, masked, "failed signature verification"),
            SignatureOutcome.KeysUnavailable => Denials.Token(RefusalKind.KeyUnavailable, masked,
                $"cannot be verified because the keys of {issuer.Name} are not available"),
            _ when kid is not null => Denials.Token(RefusalKind.Verification, masked,
                $"names key {Denials.Show(kid)}, which {issuer.Name} does not have for {algorithm}"),
            _ => Denials.Token(RefusalKind.Verification, masked, $"uses {algorithm}, for which {issuer.Name} has no key"),
        };
    }

    private static SignatureOutcome Verify(string token, string algorithm, string? kid, TrustedIssuer issuer)
    {
        var lastDot = token.LastIndexOf('.');
        byte[]? input = null;
        byte[]? signature = null;
        var signatureLength = 0;
        var candidate = false;
        var unusable = false;
        try
        {
            foreach (var source in issuer.Sources)
            {
                if (!source.IsUsable)
                {
                    unusable = true;
                    continue;
                }

                foreach (var key in source.Current.Keys)
                {
                    if (!key.Accepts(algorithm, kid))
                    {
                        continue;
                    }

                    candidate = true;
                    if (input is null)
                    {
                        input = ArrayPool<byte>.Shared.Rent(lastDot);
                        Encoding.ASCII.GetBytes(token.AsSpan(0, lastDot), input);
                        var encoded = token.AsSpan(lastDot + 1);
                        signature = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
                        if (Base64Url.DecodeFromChars(encoded, signature, out _, out signatureLength) != OperationStatus.Done || signatureLength == 0)
                        {
                            return SignatureOutcome.Invalid;
                        }

                        // AuthProxy signs with low S only: the high-S twin of one of its tokens is refused, so each has one text.
                        if (issuer.IsAuthProxy && EcdsaSignatures.IsHighS(algorithm, signature.AsSpan(0, signatureLength)))
                        {
                            return SignatureOutcome.Invalid;
                        }
                    }

                    if (VerifyWith(key, algorithm, input, lastDot, signature!, signatureLength))
                    {
                        return SignatureOutcome.Verified;
                    }
                }
            }
        }
        finally
        {
            if (input is not null)
            {
                ArrayPool<byte>.Shared.Return(input);
            }

            if (signature is not null)
            {
                ArrayPool<byte>.Shared.Return(signature);
            }
        }

        return candidate ? SignatureOutcome.Invalid : unusable ? SignatureOutcome.KeysUnavailable : SignatureOutcome.NoKey;
    }

    private static bool VerifyWith(TrustedKey key, string algorithm, byte[] input, int inputLength, byte[] signature, int signatureLength) =>
        key.Key is EdDsaSecurityKey edDsa
            ? algorithm == "EdDSA" && edDsa.Verify(input.AsSpan(0, inputLength), signature.AsSpan(0, signatureLength))
            : key.Verifiers.Verify(algorithm, input, inputLength, signature, signatureLength);

    private enum SignatureOutcome
    {
        Verified,
        Invalid,
        NoKey,
        KeysUnavailable,
    }
}
