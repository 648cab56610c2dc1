#!/bin/sh
# Makes the local overlay's development token keys unless they are there already (idempotent): the people key
# (Secret sh-jwt-people), the service key (Secret sh-jwt-service), and jwks.json, the JWK set of both public keys
# (ConfigMap sh-jwks), rewritten from the keys on every run (docs/security.md, "Tokens").
# The *.env files next to this script are committed development values for a laptop cluster only.
set -eu
cd "$(dirname "$0")"
umask 077
for kind in people service; do
  if [ ! -f "jwt-$kind-signing-key.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "jwt-$kind-signing-key.pem" 2>/dev/null
    echo "k8s/overlays/local/secrets: wrote jwt-$kind-signing-key.pem"
  fi
done
../../../../deploy/secrets/jwks.sh people=jwt-people-signing-key.pem service=jwt-service-signing-key.pem > jwks.json
