#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (apt-get update
# runs only when something is missing). Usable as root or through sudo.
set -euo pipefail
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "mote: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Multiarch packages (libhwy-dev:arm64) need their architecture known to dpkg first.
for pkg in "${missing[@]}"; do
  if [[ "$pkg" == *:* ]]; then
    arch=${pkg##*:}
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
    fi
  fi
done
# A mirror in the middle of a sync can fail one index (seen for bookworm-security's armhf index);
# apt then exits 100 and may keep no index for a foreign architecture: retry, else fail.
for attempt in 1 2 3; do
  if "${sudo_cmd[@]}" apt-get update -qq; then break; fi
  [ "$attempt" -eq 3 ] && { echo "mote: apt-get update failed" >&2; exit 1; }
  sleep 5
done
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
