#!/bin/sh
# Prints the JWK set (RFC 7517) of the public halves of RSA-2048 private keys, one "kid=private-key.pem" argument each:
#   deploy/secrets/jwks.sh people=jwt-people-signing-key.pem service=jwt-service-signing-key.pem > jwks.json
# Public members only (kty, kid, use, alg, n, e). Needs openssl and the usual text tools, nothing else: the modulus is
# cut out of the public key's DER at its fixed place for a 2048-bit key with exponent 65537 (generate.sh makes no other).
set -eu
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
printf '{"keys":['
sep=""
for pair in "$@"; do
  kid="${pair%%=*}"
  pem="${pair#*=}"
  der="$(mktemp)"
  openssl pkey -in "$pem" -pubout -outform DER -out "$der"
  # SubjectPublicKeyInfo of RSA-2048/65537: 294 bytes, 33 bytes of header, the 256-byte modulus, then 02 03 01 00 01.
  size="$(wc -c < "$der" | tr -d ' ')"
  tail_hex="$(tail -c 5 "$der" | od -An -tx1 | tr -d ' \n')"
  if [ "$size" != 294 ] || [ "$tail_hex" != 0203010001 ]; then
    rm -f "$der"
    echo "jwks.sh: $pem is not an RSA-2048 key with exponent 65537" >&2
    exit 1
  fi
  n="$(tail -c +34 "$der" | head -c 256 | b64url)"
  rm -f "$der"
  printf '%s{"kty":"RSA","kid":"%s","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}' "$sep" "$kid" "$n"
  sep=","
done
printf ']}\n'
