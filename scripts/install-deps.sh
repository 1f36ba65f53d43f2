#!/usr/bin/env bash
# Installs what building and testing Kiln needs: Debian packages (when missing) and
# Python packages. Safe to run again; it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
scripts/install-debian-packages.sh gcc pkg-config libpng-dev libjpeg62-turbo-dev libcmocka-dev libassimp-dev assimp-testmodels

if ! "$PYTHON" -c "import sys; sys.exit(0)" 2>/dev/null; then
    echo "error: $PYTHON is not a working Python" >&2
    exit 1
fi
"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | grep -v "Running pip as the 'root' user" || true
