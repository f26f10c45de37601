#!/usr/bin/env bash
# Installs what the build's setup steps need beyond Maven: Debian's python3-torch (reference numerics, expert
# conversion), python3-skimage and python-matplotlib-data (public-domain sample photos). A no-op when present.
# Called by the scripts that need them (never by library code); needs root or sudo for apt-get.
set -euo pipefail
need=()
/usr/bin/python3 -c "import torch, numpy, PIL" 2>/dev/null || need+=(python3-torch python3-numpy python3-pil)
[ -f /usr/lib/python3/dist-packages/skimage/data/astronaut.png ] || need+=(python3-skimage)
[ -f /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg ] \
  || need+=(python-matplotlib-data)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-prereqs: installing ${need[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq "${need[@]}" >&2
