#!/usr/bin/env bash
# Builds tolk_audio.wasm: the given C++ sources (the list lives in clients/web/CMakeLists.txt)
# + libopus (decoder), compiled by Debian's emcc.
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

exports=_tolk_create,_tolk_destroy,_tolk_profile_count,_tolk_profile_name,_tolk_frame_channel,_tolk_push,_tolk_pull,_tolk_last_capture_us,_tolk_stats,_tolk_stats_size,_tolk_stats_field_count,_tolk_stats_field_name,_tolk_stats_field_offset,_tolk_alloc,_tolk_free
log "linking $(basename "$out")"
mkdir -p "$(dirname "$out")"
emcc -std=c++20 "${flags[@]}" -I"$root" -Iopus-src/include "${srcs[@]}" libopus.a -o "$out.tmp.wasm" \
  --no-entry -sSTANDALONE_WASM -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=2MB -sTOTAL_STACK=256KB \
  -sEXPORTED_FUNCTIONS="$exports" -sMALLOC=emmalloc
mv "$out.tmp.wasm" "$out"
log "$(basename "$out"): $(stat -c %s "$out") bytes"
