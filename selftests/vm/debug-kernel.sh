#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, then cached) the debug kernel used by `make check-debug`:
# Debian's linux-source-6.1 with x86_64 defconfig + kvm_guest.config +
# selftests/vm/debug.config (KASAN, KMEMLEAK, lockdep, PROVE_RCU, UBSAN,
# DEBUG_ATOMIC_SLEEP, and everything the tests use built in).
#
#   debug-kernel.sh           build unless cached; print the build directory
#                             (usable as KDIR=) on the last line
#   debug-kernel.sh --cached  exit 0 if the cached build is valid, 1 if not
#
# The cache lives in ${FLOWBR_CACHE:-~/.cache/flowbr}; it is valid while
# debug.config and RECIPE below are unchanged. The first build takes 15 to
# 30 minutes on two cores (32 min measured on a busy 2-core machine).
set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${FLOWBR_CACHE:-${HOME:-/root}/.cache/flowbr}
SRC="$CACHE/linux-debug"
FRAGMENT="$SELF_DIR/debug.config"
# Bump when the build steps below change (editing the rest of this script
# does not invalidate the cache).
RECIPE=1
STAMP=$({ cat "$FRAGMENT"; echo "recipe $RECIPE"; } | sha256sum | cut -c1-16)

log() { printf 'debug-kernel: %s\n' "$*" >&2; }

cached() {
	[ -f "$SRC/.flowbr-config-stamp" ] && [ "$(cat "$SRC/.flowbr-config-stamp")" = "$STAMP" ] &&
		[ -f "$SRC/arch/x86/boot/bzImage" ] && [ -f "$SRC/Module.symvers" ] &&
		[ -f "$SRC/modules.builtin" ]
}

if [ "${1:-}" = --cached ]; then
	cached
	exit
fi

# One build at a time (other checkouts share the cache).
mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
if ! flock -n 8; then
	log "another build of the debug kernel is running; waiting for it"
	flock 8
fi

if cached; then
	log "cached: $SRC"
	echo "$SRC"
	exit 0
fi

need=()
for p in linux-source-6.1 flex bison bc libelf-dev libssl-dev build-essential; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { log "need root to install: ${need[*]}"; exit 1; }
	log "installing: ${need[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi

tarballs=(/usr/src/linux-source-6.1.tar.*)
TARBALL=${tarballs[0]}
[ -e "$TARBALL" ] || { log "linux-source-6.1 tarball not found in /usr/src"; exit 1; }

log "building in $SRC (first build: 15-30 minutes on 2 cores)"
rm -rf "$SRC"
tmp=$(mktemp -d "$CACHE/extract.XXXXXX")
tar -C "$tmp" -xf "$TARBALL"
mv "$tmp"/linux-source-6.1 "$SRC"
rmdir "$tmp"

cd "$SRC"
make -s defconfig >&2
make -s kvm_guest.config >&2
scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >&2
make -s olddefconfig >&2
# Make sure the checkers survived olddefconfig.
for opt in KASAN DEBUG_KMEMLEAK PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP UBSAN VETH VLAN_8021Q NET_9P_VIRTIO OVERLAY_FS; do
	grep -q "^CONFIG_$opt=y" .config || { log "CONFIG_$opt did not stick"; exit 1; }
done
nice -n 10 make -s -j"$(nproc)" bzImage modules >&2
echo "$STAMP" >.flowbr-config-stamp
log "built $(make -s kernelrelease)"
echo "$SRC"
