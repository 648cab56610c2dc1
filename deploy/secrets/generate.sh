#!/bin/sh
# Makes the files docker-compose.yml mounts as secrets, unless they are already there (idempotent):
#   jwt-signing-key.pem  RSA private key (PKCS#8) the services sign short-lived service-to-service tokens with
#                        (and fleet-seed its fleet-admin token)
#   jwt-public-key.pem   its public key, which the services verify tokens with (SH_SECURITY_PUBLIC_KEY_LOCATION)
# The same files feed the Kubernetes local overlay: see k8s/overlays/local/secrets/README.md.
set -eu
cd "$(dirname "$0")"
umask 077
if [ ! -f jwt-signing-key.pem ] || [ ! -f jwt-public-key.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt-signing-key.pem 2>/dev/null
  openssl pkey -in jwt-signing-key.pem -pubout -out jwt-public-key.pem
  echo "wrote jwt-signing-key.pem and jwt-public-key.pem"
fi
# docker compose bind-mounts file secrets as they are, and the containers run as uid 185: they must be readable
# by others. Acceptable for a development key pair on one machine; production keys never live in files here.
chmod 0644 jwt-public-key.pem jwt-signing-key.pem
chmod 0700 .
