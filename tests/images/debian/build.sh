#!/usr/bin/env bash
# A Debian bookworm base with python3, bootstrapped from Debian's mirror (nothing pulled):
# the base for Debian test hosts and for images built FROM it.
set -euo pipefail
image=$1 label=$2
mmdebstrap --quiet --variant=apt --include=python3 bookworm - \
  | docker import \
      --change "LABEL $label" \
      --change 'ENV DEBIAN_FRONTEND=noninteractive' \
      --change 'CMD ["/bin/bash"]' \
      - "$image" >/dev/null
