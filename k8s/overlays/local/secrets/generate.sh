#!/bin/sh
# Makes the local overlay's development JWT key pair (Secret sh-jwt: jwt-signing-key.pem, jwt-public-key.pem)
# unless it is there already (idempotent).
# The *.env files next to this script are committed development values for a laptop cluster only.
set -eu
cd "$(dirname "$0")"
umask 077
if [ ! -f jwt-signing-key.pem ] || [ ! -f jwt-public-key.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt-signing-key.pem 2>/dev/null
  openssl pkey -in jwt-signing-key.pem -pubout -out jwt-public-key.pem
  echo "k8s/overlays/local/secrets: wrote jwt-signing-key.pem and jwt-public-key.pem"
fi
