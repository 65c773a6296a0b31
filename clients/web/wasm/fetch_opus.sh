#!/usr/bin/env bash
# Puts the libopus source the WebAssembly decoder is built from into a cache directory:
#   fetch_opus.sh CACHE_DIR
# Run by `./tolk deps` (never by the build).  The tarball is Debian's: `apt-get source` of the
# `opus` source package, through a private apt configuration under CACHE_DIR/apt (its own
# deb-src entry, lists and caches), so /etc/apt is not touched and root is not needed.  apt checks
# the files against Debian's signed index; the upstream tarball is then checked against the
# version and sha256 pinned in opus.pin.  Prints the tarball's path.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$1
. "$here/opus.pin"
tarball=$cache/opus_${opus_version}.orig.tar.gz

log() { printf 'tolk-opus: %s\n' "$*" >&2; }
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$opus_sha256" ]; }

if sha_ok "$tarball"; then echo "$tarball"; exit 0; fi

apt_dir=$cache/apt
mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/download"
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "${TOLK_DEBIAN_MIRROR:-http://deb.debian.org/debian}" "$suite" >"$apt_dir/sources/tolk-src.sources"
apt=(apt-get -qq -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/sources"
  -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o Dir::State::Status=/dev/null
  -o APT::Sandbox::User="$(id -un)" -o Debug::NoLocking=true)

log "apt-get source opus ($suite, Debian's source package; libopus $opus_version)"
"${apt[@]}" update
(cd "$cache/download" && rm -f opus_* && "${apt[@]}" source --download-only opus >/dev/null)
got=$cache/download/opus_${opus_version}.orig.tar.gz
if [ ! -f "$got" ]; then
  log "Debian's opus source package is not libopus $opus_version (got: $(cd "$cache/download" && ls opus_*.orig.tar.* 2>/dev/null | tr '\n' ' ')); update clients/web/wasm/opus.pin"
  exit 1
fi
if ! sha_ok "$got"; then
  log "$got: sha256 $(sha256sum "$got" | cut -d' ' -f1), expected $opus_sha256 (opus.pin)"
  exit 1
fi
mv "$got" "$tarball"
rm -rf "$cache/download" "$apt_dir"  # 20 MB of package lists, needed only once
echo "$tarball"
