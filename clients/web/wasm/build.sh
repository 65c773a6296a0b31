#!/usr/bin/env bash
# Builds tolk_audio.wasm: codec/'s jitter buffer + libopus (decoder), compiled by Debian's emcc.
#   build.sh REPO_ROOT WORK_DIR OUTPUT.wasm
# libopus comes from Debian's source package `opus` (apt-get source; a deb-src entry for the
# machine's Debian mirror is added when missing).  Set TOLK_OPUS_TARBALL to use a local
# opus_*.orig.tar.gz instead.  Objects are cached in WORK_DIR.
set -euo pipefail
root=$1 work=$2 out=$3
mkdir -p "$work"
cd "$work"

log() { printf 'tolk-wasm: %s\n' "$*" >&2; }

fetch_opus() {
  local tarball=${TOLK_OPUS_TARBALL:-}
  if [ -z "$tarball" ]; then
    tarball=$(ls "$work"/opus_*.orig.tar.gz 2>/dev/null | head -1 || true)
  fi
  if [ -z "$tarball" ]; then
    if ! apt-cache showsrc opus >/dev/null 2>&1 || [ -z "$(apt-cache showsrc opus 2>/dev/null)" ]; then
      log "adding a deb-src entry for Debian's opus source package"
      local suite
      suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
      local as_root=()
      [ "$(id -u)" -eq 0 ] || as_root=(sudo)
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$suite" | "${as_root[@]}" tee /etc/apt/sources.list.d/tolk-src.sources >/dev/null
      "${as_root[@]}" apt-get update -qq
    fi
    log "apt-get source opus"
    apt-get source --download-only -qq opus >/dev/null 2>&1 || apt-get source --download-only opus
    tarball=$(ls "$work"/opus_*.orig.tar.gz | head -1)
  fi
  rm -rf opus-src && mkdir opus-src
  tar xzf "$tarball" -C opus-src --strip-components=1
}

[ -f opus-src/include/opus.h ] || fetch_opus

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

codec=(jitter_buffer frame_store pcm_queue slot_decoder playout_accounting delay_estimator
  drift_estimator time_scaler opus_decoder)
srcs=("$root/clients/web/wasm/tolk_audio.cpp")
for c in "${codec[@]}"; do srcs+=("$root/codec/$c.cpp"); done
protocol=(audio_frame parse_error)
for c in "${protocol[@]}"; do srcs+=("$root/protocol/$c.cpp"); done

exports=_tolk_create,_tolk_destroy,_tolk_frame_channel,_tolk_push,_tolk_pull,_tolk_last_capture_us,_tolk_stats,_tolk_stats_size,_tolk_stats_field_count,_tolk_stats_field_name,_tolk_stats_field_offset,_tolk_alloc,_tolk_free
log "linking $(basename "$out")"
mkdir -p "$(dirname "$out")"
emcc -std=c++20 "${flags[@]}" -I"$root" -Iopus-src/include "${srcs[@]}" libopus.a -o "$out.tmp.wasm" \
  --no-entry -sSTANDALONE_WASM -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=2MB -sTOTAL_STACK=256KB \
  -sEXPORTED_FUNCTIONS="$exports" -sMALLOC=emmalloc
mv "$out.tmp.wasm" "$out"
log "$(basename "$out"): $(stat -c %s "$out") bytes"
