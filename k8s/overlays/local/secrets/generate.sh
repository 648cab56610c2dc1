#!/bin/sh
# Makes the local overlay's generated files unless they are there already (idempotent):
#   jwt-signing-key.pem / jwt-public-key.pem   the development JWT key pair (Secret sh-jwt)
#   agent-credentials                          the simulated units' broker credentials (Secret
#                                              edge-agent-credentials); empty until the units are registered
# The *.env files next to this script are committed development values for a laptop cluster only.
set -eu
cd "$(dirname "$0")"
umask 077
if [ ! -f jwt-signing-key.pem ] || [ ! -f jwt-public-key.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt-signing-key.pem 2>/dev/null
  openssl pkey -in jwt-signing-key.pem -pubout -out jwt-public-key.pem
  echo "k8s/overlays/local/secrets: wrote jwt-signing-key.pem and jwt-public-key.pem"
fi
[ -f agent-credentials ] || : > agent-credentials
