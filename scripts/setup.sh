#!/usr/bin/env bash
# Set up everything aipm-content needs on a fresh Debian machine with Python 3.11+.
#   scripts/setup.sh          runtime: fonts, a virtualenv with every exporter
#   scripts/setup.sh --test   also the test tools: Chromium, Java (EPUBCheck), Node packages,
#                             poppler, pandoc (benchmarks)
# Idempotent: installs only what is missing. System packages need root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
packages=(fonts-noto-core fonts-noto-color-emoji fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 shared-mime-info)
if [ "$mode" = "--test" ]; then
  packages+=(chromium default-jre-headless poppler-utils pandoc nodejs npm)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
# Node may come from elsewhere (nodesource, nvm): only ask apt for it when there is no npm.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for pkg in "${missing[@]}"; do [[ "$pkg" = nodejs || "$pkg" = npm ]] || filtered+=("$pkg"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if command -v java >/dev/null 2>&1; then
  filtered=()
  for pkg in "${missing[@]+"${missing[@]}"}"; do [ "$pkg" = default-jre-headless ] || filtered+=("$pkg"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "aipm-content needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
}
if [ ! -x .venv/bin/pip ]; then
  # Debian's python3 lacks ensurepip until python3-venv is installed; a failed attempt leaves
  # a venv without pip, so start again from nothing.
  if ! "$python" -m venv .venv 2>/dev/null || [ ! -x .venv/bin/pip ]; then
    rm -rf .venv
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv .venv
  fi
fi
pip_install() {
  # Fail on a failed install; otherwise show pip's output without this machine's
  # "WARNING: Location ... is ignored" noise (local mirrors configured in pip.conf).
  local out
  if ! out=$(.venv/bin/python -m pip install -q --disable-pip-version-check "$@" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  printf "%s\n" "$out" | grep -v -e "^WARNING: Location" -e "^$" || true
}
pip_install --upgrade pip
extras="all"
[ "$mode" = "--test" ] && extras="all,test"
pip_install -e ".[$extras]"
.venv/bin/python -c "import aipm_content" 

if [ "$mode" = "--test" ]; then
  # --ignore-scripts and PUPPETEER_SKIP_DOWNLOAD: DAISY Ace drives Debian's chromium, never a
  # browser Puppeteer would download.
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/js --no-audit --no-fund --ignore-scripts --silent
fi
