#!/bin/sh
# Install the Graphviz `dot` program where it is missing.
command -v dot >/dev/null 2>&1 && exit 0
echo "Graphviz 'dot' not found; installing it..."
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=none; fi
    if [ "$SUDO" != none ]; then
        $SUDO apt-get update -qq >/dev/null && \
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null && exit 0
    fi
elif command -v brew >/dev/null 2>&1; then
    brew install graphviz && exit 0
fi
cat >&2 <<MSG
Could not install Graphviz automatically. Install it, then run make again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
Everything except rendering images works without it.
MSG
exit 1
