# Sourced by the .ci/install-*.sh scripts that need Python packages from PyPI.
# pinned_venv LABEL VENV SPEC...: makes the virtualenv VENV with pip's SPECs, unless its
# marker file already names exactly those SPECs (then it is kept). Installs Debian's
# python3-venv when the interpreter cannot make a venv. Never reads stdin.
pinned_venv() {
  local label=$1 venv=$2
  shift 2
  local specs="$*"
  if [ -f "$venv/.dativo-installed" ] && [ "$(cat "$venv/.dativo-installed")" = "$specs" ]; then
    echo "$label: $specs already installed ($venv)"
    return 0
  fi
  local py="${DATIVO_PYTHON:-python3}"
  if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "$label: $py cannot make a venv; installing Debian's python3-venv"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo -n); fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update </dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends python3 python3-venv </dev/null
    py=/usr/bin/python3
  fi
  echo "$label: installing $specs into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$py" -m venv "$venv" </dev/null
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" </dev/null
  printf '%s' "$specs" >"$venv/.dativo-installed"
}
