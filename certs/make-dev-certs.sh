#!/usr/bin/env bash
# Makes a development CA, a server certificate for localhost and 127.0.0.1 signed by it (for
# AuthProxy's HTTPS listener, or a backend's), a client certificate for mutual TLS with a backend,
# and key pairs for signing test tokens (RSA 2048, EC P-256, Ed25519, and an HMAC secret), in
# certs/out/ (or the folder given).
# For development and tests only: the CA's private key sits next to everything it signed.
# Files that exist are kept, so running it again changes nothing a running setup uses;
# --new makes the server and client certificates and the token keys again (the CA stays).
set -euo pipefail
cd "$(dirname "$0")"
fresh=false
if [ "${1:-}" = "--new" ]; then
  fresh=true
  shift
fi
out="${1:-out}"
mkdir -p "$out"
cd "$out"
if $fresh; then
  rm -f server.pem server.key client.pem client.key jwt-*.key jwt-*.pub.pem jwt-hmac.secret
fi

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
    -keyout ca.key -out ca.pem -subj "/CN=AuthProxy Development CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

if [ ! -f server.pem ]; then
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
  cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile server.ext -out server.pem 2>/dev/null
  rm -f server.csr server.ext
fi

# A client certificate: AuthProxy's identity towards a backend that requires mutual TLS
# (a cluster's AuthProxy.ClientCertificate and AuthProxy.ClientKey).
if [ ! -f client.pem ]; then
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout client.key -out client.csr -subj "/CN=authproxy" 2>/dev/null
  cat > client.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EXT
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile client.ext -out client.pem 2>/dev/null
  rm -f client.csr client.ext
fi

# Token signing keys: the private halves sign test tokens (mint-token --rsa-private-key), the
# public halves are what AuthProxy is given (inline, @path, or served at a URL).
pair() { # $1 name, then openssl genpkey arguments
  local name=$1
  shift
  if [ ! -f "$name.key" ]; then
    openssl genpkey "$@" -out "$name.key" 2>/dev/null
    openssl pkey -in "$name.key" -pubout -out "$name.pub.pem"
  fi
}
pair jwt-rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
pair jwt-ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
pair jwt-ed25519 -algorithm ED25519
[ -f jwt-hmac.secret ] || openssl rand -base64 48 | tr -d '\n' > jwt-hmac.secret
chmod 600 ./*.key jwt-hmac.secret

echo "certs in $(pwd)"
