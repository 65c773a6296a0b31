#!/usr/bin/env bash
# Builds tolk_audio.wasm (the phone app) or tolk_booth.wasm (the booth console: also the
# encoder, limiter, bandwidth estimator): the given C++ sources (the list lives in clients/web/CMakeLists.txt)
# + libopus, compiled by Debian's emcc.
#   build.sh REPO_ROOT WORK_DIR OUTPUT.wasm OPUS_CACHE_DIR SOURCE.cpp...
# libopus is the tarball `./tolk deps` put in OPUS_CACHE_DIR (version and sha256 in opus.pin);
# this script never downloads or installs anything.  Objects are cached in WORK_DIR.
set -euo pipefail
root=$1 work=$2 out=$3 opus_cache=$4
shift 4
srcs=("$@")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/opus.pin"
mkdir -p "$work"
cd "$work"

log() { printf 'tolk-wasm: %s\n' "$*" >&2; }

# Unpacks the cached tarball once per pinned checksum.
unpack_opus() {
  local tarball=$opus_cache/opus_${opus_version}.orig.tar.gz
  [ -f opus-src/.sha256 ] && [ "$(cat opus-src/.sha256)" = "$opus_sha256" ] && return 0
  if [ ! -f "$tarball" ]; then
    log "missing $tarball (the libopus source): run ./tolk deps"
    exit 1
  fi
  if [ "$(sha256sum "$tarball" | cut -d' ' -f1)" != "$opus_sha256" ]; then
    log "$tarball does not match the sha256 in clients/web/wasm/opus.pin: delete it and run ./tolk deps"
    exit 1
  fi
  rm -rf opus-src opus-obj libopus.a && mkdir opus-src
  tar xzf "$tarball" -C opus-src --strip-components=1
  echo "$opus_sha256" >opus-src/.sha256
}
unpack_opus

flags=(-Os -flto -DNDEBUG)
opus_flags=("${flags[@]}" -DOPUS_BUILD -DUSE_ALLOCA -DHAVE_LRINT -DHAVE_LRINTF
  -Iopus-src/include -Iopus-src/celt -Iopus-src/silk -Iopus-src/silk/float -Iopus-src/src)

# The sources libopus's own Makefile lists (float build, no x86/ARM intrinsics).
mk_list() {  # FILE VAR
  sed -n "/^$2 *=/,/^\$/p" "opus-src/$1" | sed '1s/^[^=]*=//' | tr -d '\\' | tr ' ' '\n' | grep '\.c$' || true
}
sources=$( { mk_list celt_sources.mk CELT_SOURCES; mk_list silk_sources.mk SILK_SOURCES
             mk_list silk_sources.mk SILK_SOURCES_FLOAT; mk_list opus_sources.mk OPUS_SOURCES
             mk_list opus_sources.mk OPUS_SOURCES_FLOAT; } | grep -Ev "multistream|projection|mapping_matrix" | sort -u)
[ -n "$sources" ] || { log "no libopus sources found"; exit 1; }

if [ ! -f libopus.a ]; then
  log "compiling libopus ($(echo "$sources" | wc -l) files)"
  mkdir -p opus-obj
  echo "$sources" | xargs -P "$(nproc)" -I{} sh -c \
    'o=opus-obj/$(echo "{}" | tr / _).o; emcc '"${opus_flags[*]}"' -c "opus-src/{}" -o "$o"'
  emar rcs libopus.a opus-obj/*.o
fi

# The exports: every tolk_* function the given clients/web/wasm/*.cpp files define (their
# extern "C" API, one definition a line starting with its return type).
exports=$(grep -hoE '^[a-z_:][a-z0-9_:<> *]*[ *](tolk_[a-z0-9_]+)\(' $(printf '%s\n' "${srcs[@]}" | grep '/clients/web/wasm/') |
  grep -oE 'tolk_[a-z0-9_]+' | sort -u | sed 's/^/_/' | paste -sd, -)
[ -n "$exports" ] || { log "no tolk_* functions to export"; exit 1; }
log "linking $(basename "$out")"
mkdir -p "$(dirname "$out")"
emcc -std=c++20 "${flags[@]}" -I"$root" -Iopus-src/include "${srcs[@]}" libopus.a -o "$out.tmp.wasm" \
  --no-entry -sSTANDALONE_WASM -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=2MB -sTOTAL_STACK=256KB \
  -sEXPORTED_FUNCTIONS="$exports" -sMALLOC=emmalloc
mv "$out.tmp.wasm" "$out"
log "$(basename "$out"): $(stat -c %s "$out") bytes"
