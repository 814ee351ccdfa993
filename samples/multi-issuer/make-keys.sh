#!/usr/bin/env bash
# Makes what the multi-issuer sample serves and signs with, in samples/multi-issuer/out/ (git
# ignores it). Needs certs/out from certs/make-dev-certs.sh (the development CA and its localhost
# certificate serve the corp provider). Files that exist are kept.
#
#   corp.key, partner.key, legacy.key      RSA keys that sign each provider's test tokens (mint-token)
#   partner.pub.pem                        the partner provider's public key, read from the file
#   site/corp/.well-known/openid-configuration, site/corp/jwks.json
#                                          the corp provider's discovery document and JWKS (port 8443)
#   legacy-site/legacy/jwks.json           the legacy provider's JWKS (port 8444)
#   private-ca/                            a second CA, and a localhost certificate from it for port 8444:
#                                          only the legacy provider trusts it
set -euo pipefail
cd "$(dirname "$0")"
out=out
mkdir -p "$out/site/corp/.well-known" "$out/legacy-site/legacy"
bash ../../certs/make-dev-certs.sh "$(pwd)/$out/private-ca" > /dev/null

for name in corp partner legacy; do
  [ -f "$out/$name.key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/$name.key" 2>/dev/null
done
openssl pkey -in "$out/partner.key" -pubout -out "$out/partner.pub.pem"

# A JWKS holding the RSA 2048 public key of $1 with kid $2: the modulus is the 256 bytes after the
# 33-byte prefix of the key's DER form, in base64url.
jwks() {
  local n
  n=$(openssl pkey -in "$1" -pubout -outform DER | tail -c +34 | head -c 256 | base64 -w0 | tr '+/' '-_' | tr -d '=')
  printf '{"keys":[{"kty":"RSA","kid":"%s","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}\n' "$2" "$n"
}
jwks "$out/corp.key" corp-1 > "$out/site/corp/jwks.json"
jwks "$out/legacy.key" legacy-1 > "$out/legacy-site/legacy/jwks.json"
printf '{"issuer":"https://localhost:8443/corp","jwks_uri":"https://localhost:8443/corp/jwks.json"}\n' \
  > "$out/site/corp/.well-known/openid-configuration"
echo "keys and documents in $(pwd)/$out"
