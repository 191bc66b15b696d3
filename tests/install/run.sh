#!/bin/sh
# Installs the build into a temporary directory, builds tests/install/korea.c
# there, outside the tree, with `pkg-config --cflags --libs casus`, and runs
# it against the installed libcasus.so to answer the Korea query.  Checks
# too that the shared library exports the public API and nothing internal.
#
# Usage: run.sh BUILD_DIR SOURCE_DIR SANITIZE (SANITIZE as meson's b_sanitize)
set -eu
build=$1 src=$2 sanitize=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casus-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

meson install -C "$build" --no-rebuild --destdir "$tmp/dest" --quiet >/dev/null ||
  fail "meson install failed"
pc=$(find "$tmp/dest" -name casus.pc | head -n 1)
[ -n "$pc" ] || fail "no casus.pc installed"
lib=$(find "$tmp/dest" -name 'libcasus.so.0' | head -n 1)
[ -n "$lib" ] || fail "no libcasus.so.0 installed"
libdir=$(dirname "$lib")
share=$(find "$tmp/dest" -type d -path '*/share/casus' | head -n 1)
[ -n "$share" ] || fail "no share/casus installed"

# What the shared library exports: the public API (casus_*), nothing
# internal (casus__*), nothing else.
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort >"$tmp/exported"
grep -q '^casus_world_create$' "$tmp/exported" || fail "casus_world_create is not exported"
if grep -q '^casus__' "$tmp/exported"; then
  fail "internal symbols exported: $(grep '^casus__' "$tmp/exported" | tr '\n' ' ')"
fi
if grep -v '^casus_' "$tmp/exported" | grep -q .; then
  fail "symbols outside the casus_ namespace exported: $(grep -v '^casus_' "$tmp/exported" | tr '\n' ' ')"
fi
# casus/who.h declares casus_who CASUS_EXTERN: the query must be linkable.
grep -q '^casus_who$' "$tmp/exported" || fail "casus_who is not exported"

# Build the program outside the tree, through pkg-config only.
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$tmp/dest"
cflags=$(pkg-config --cflags casus) || fail "pkg-config --cflags casus failed"
libs=$(pkg-config --libs casus) || fail "pkg-config --libs casus failed"
san=""
if [ "$sanitize" != "none" ] && [ -n "$sanitize" ]; then
  san="-fsanitize=$sanitize"  # the library was built with it, so the program links it too
fi
cp "$src/tests/install/korea.c" "$tmp/korea.c"
# shellcheck disable=SC2086
cc -std=c17 -Wall -Werror $san $cflags -o "$tmp/korea" "$tmp/korea.c" $libs ||
  fail "cannot build a program with pkg-config --cflags --libs casus ($cflags $libs)"
ldd "$tmp/korea" | grep -q "libcasus.so.0 => $libdir" ||
  LD_LIBRARY_PATH="$libdir" ldd "$tmp/korea" | grep -q "libcasus.so.0 => $libdir/libcasus.so.0" ||
  fail "the program is not linked against the installed libcasus.so.0"

LD_LIBRARY_PATH="$libdir" "$tmp/korea" "$share/world" "$share/treaties" >"$tmp/out" ||
  fail "the program failed: $(cat "$tmp/out")"
cat >"$tmp/want" <<'WANT'
defend-target RUS -> PRK rus-prk-2024 Art. 4 not decidable
defend-target CHN -> PRK chn-prk-1961 Art. II not decidable
WANT
grep '^defend-target ' "$tmp/out" >"$tmp/got" || true
if ! cmp -s "$tmp/want" "$tmp/got"; then
  echo "install test: expected:" >&2; cat "$tmp/want" >&2
  echo "install test: got:" >&2; cat "$tmp/out" >&2
  exit 1
fi
echo "install test: libcasus.so.0 installed with casus.pc; a program built with pkg-config answers the Korea query"
