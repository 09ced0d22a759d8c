#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the flowbr test VM (runs under busybox sh inside the initramfs
# built by selftests/vm/run.sh; not meant to run anywhere else).
#
# It loads the virtio/9p/overlay modules listed in /fbvm/modules.list, mounts
# the host's root read-only over 9p (tag "hostroot") with a tmpfs overlay on
# top, and switches root into that overlay, running stage2.sh (from the
# initramfs, copied to /run/fbvm) as PID 1: that runs /fbvm/job.sh (added
# to the initramfs for each run) and powers off.

PATH=/bin:/sbin
export PATH

OUT=/dev/ttyS1
NEWROOT=/newroot

die() {
	echo "fbvm-init: $*" >/dev/console
	[ -c "$OUT" ] && echo "fbvm-init: $*" >"$OUT"
	echo "@@FBVM_EXIT=125@@" >"$OUT"
	poweroff -f
	reboot -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# shellcheck source=/dev/null
. /fbvm/env
: "${FBVM_MODE:=batch}" "${FBVM_REPO:=/}"

# Raw output on the result port (no \n -> \r\n translation).
stty -F "$OUT" raw -echo 2>/dev/null

while read -r ko; do
	[ -n "$ko" ] || continue
	insmod "/fbvm/modules/$ko" || die "insmod $ko failed"
done </fbvm/modules.list

mkdir -p /host /rw "$NEWROOT"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
	hostroot /host || die "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755,size=75% tmpfs /rw || die "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay \
	-o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work "$NEWROOT" ||
	die "cannot mount the overlay root"

# Keep the repository reachable even if it lives under /tmp or /run, which
# get fresh tmpfs mounts below.
mkdir -p /repo
mount --bind "$NEWROOT$FBVM_REPO" /repo || die "repository $FBVM_REPO not found"

mount -t proc proc "$NEWROOT/proc"
mount -t sysfs sysfs "$NEWROOT/sys"
mount -t devtmpfs devtmpfs "$NEWROOT/dev"
mkdir -p "$NEWROOT/dev/pts" "$NEWROOT/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$NEWROOT/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/dev/shm"
ln -sf /proc/self/fd "$NEWROOT/dev/fd"
ln -sf /proc/self/fd/0 "$NEWROOT/dev/stdin"
ln -sf /proc/self/fd/1 "$NEWROOT/dev/stdout"
ln -sf /proc/self/fd/2 "$NEWROOT/dev/stderr"
mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$NEWROOT/run"
mount -t debugfs debugfs "$NEWROOT/sys/kernel/debug" 2>/dev/null
mount -t tracefs tracefs "$NEWROOT/sys/kernel/tracing" 2>/dev/null
mkdir -p "$NEWROOT/run/lock" "$NEWROOT/run/fbvm" "$NEWROOT$FBVM_REPO"
mount --move /repo "$NEWROOT$FBVM_REPO" || die "cannot re-attach $FBVM_REPO"

for f in /fbvm/*; do
	[ -f "$f" ] && cp -p "$f" "$NEWROOT/run/fbvm/"
done
hostname flowbr-vm
echo 1 >/proc/sys/kernel/sysrq

# switch_root, not chroot: user namespaces cannot be created from a chroot.
umount /proc /sys /dev 2>/dev/null
exec switch_root "$NEWROOT" /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash /run/fbvm/stage2.sh
