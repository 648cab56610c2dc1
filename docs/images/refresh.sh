#!/usr/bin/env bash
# Copies the screenshots the browser tests took (each module's target/screenshots/) into docs/images/, the pictures
# the README shows. The tests themselves never write into the work tree; run this after `mvn verify` when the
# pictures should change, then commit them.
set -euo pipefail
cd "$(dirname "$0")/../.."
copied=0
for shot in */target/screenshots/*.png; do
  [ -e "$shot" ] || continue
  cp "$shot" docs/images/
  echo "docs/images/$(basename "$shot") <- $shot"
  copied=$((copied + 1))
done
if [ "$copied" -eq 0 ]; then
  echo "No screenshots under */target/screenshots/: run the browser tests first (mvn -B -ntp verify)." >&2
  exit 1
fi
