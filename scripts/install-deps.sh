#!/usr/bin/env bash
# Installs what building and testing Kiln needs: Debian packages (when missing) and
# Python packages. Safe to run again; it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
DEBIAN_PACKAGES=(gcc pkg-config libpng-dev libcmocka-dev libassimp-dev)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "Installing Debian packages: ${missing[*]}"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c "import sys; sys.exit(0)" 2>/dev/null; then
    echo "error: $PYTHON is not a working Python" >&2
    exit 1
fi
"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | grep -v "Running pip as the 'root' user" || true
