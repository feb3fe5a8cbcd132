#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing. Idempotent.
set -euo pipefail
PKGS=(libcairo2-dev libpango1.0-dev pkg-config ffmpeg
      texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
      texlive-science cm-super dvisvgm espeak-ng sox
      fonts-cmu  # the on-screen text face (Computer Modern Unicode, SIL OFL 1.1)
      fonts-dejavu-core  # the PDF handout's fallback for the few glyphs CMU lacks (subscript i)
      chromium)  # chromium: headless check of the HTML slide deck
PKGS+=("$@")
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then missing+=(python3-venv); fi
# npm fetches the pinned reveal.js for the offline slide deck; any npm on PATH will do.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n);
else
  echo "error: missing Debian packages: ${missing[*]}" >&2
  echo "install them as root: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
