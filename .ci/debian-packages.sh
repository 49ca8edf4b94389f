# Sourced by the .ci/install-*.sh scripts that need Debian packages.
# debian_packages LABEL PKG...: installs those of PKG that dpkg does not list as installed,
# with apt-get (as root, or through passwordless sudo); says which it installs, or that all
# are installed (not when DEBIAN_PACKAGES_QUIET is set). Never reads stdin.
debian_packages() {
  local label=$1
  shift
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then missing+=("$pkg"); fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    [ -n "${DEBIAN_PACKAGES_QUIET:-}" ] || echo "$label: already installed: $*"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
      echo "$label: must run as root to install: ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "$label: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update </dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}
