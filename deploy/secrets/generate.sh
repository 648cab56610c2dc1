#!/bin/sh
# Makes the files docker-compose.yml mounts as secrets, unless they are already there (idempotent):
#   jwt-people-signing-key.pem   RSA private key (PKCS#8), kid "people": signs people's sign-in tokens (the dashboard
#                                only; and fleet-seed, the simulator's seeding admin)
#   jwt-service-signing-key.pem  RSA private key (PKCS#8), kid "service": the services that call others sign their
#                                short-lived service-to-service tokens with it
#   jwks.json                    the JWK set of both public keys, which every service verifies tokens with
#                                (SH_SECURITY_PUBLIC_KEY_LOCATION); public, rewritten from the keys on every run
# docs/security.md, "Tokens". The same files feed the Kubernetes local overlay: see k8s/overlays/local/secrets/.
set -eu
cd "$(dirname "$0")"
umask 077
for kind in people service; do
  if [ ! -f "jwt-$kind-signing-key.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "jwt-$kind-signing-key.pem" 2>/dev/null
    echo "wrote jwt-$kind-signing-key.pem"
  fi
done
./jwks.sh people=jwt-people-signing-key.pem service=jwt-service-signing-key.pem > jwks.json
# docker compose bind-mounts file secrets as they are, and the containers run as uid 185: they must be readable
# by others. Acceptable for development keys on one machine; production keys never live in files here.
chmod 0644 jwks.json jwt-people-signing-key.pem jwt-service-signing-key.pem
chmod 0700 .
