#!/usr/bin/env bash
# Installs what `make bench` needs beyond the build: the original engine (OGRE 1.12's
# Python bindings for Debian's /usr/bin/python3), Xvfb and Mesa's llvmpipe through GLX
# and EGL (Debian packages, when missing), and moderngl and matplotlib for the project's
# Python. Safe to run again; it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
scripts/install-debian-packages.sh python3-ogre-1.12 python3-numpy xvfb libgl1-mesa-dri libegl1 libegl-mesa0

if ! "$PYTHON" -c "import moderngl, matplotlib" 2>/dev/null; then
    "$PYTHON" -m pip install -q --disable-pip-version-check moderngl matplotlib 2>&1 \
        | grep -v "Running pip as the 'root' user" || true
fi
