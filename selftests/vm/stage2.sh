#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the flowbr test VM after selftests/vm/init.sh switched root into
# the overlay of the host's root. Runs /run/fbvm/job.sh (written by run.sh):
# in batch mode with its output on /dev/ttyS1, followed by its exit status
# and the kernel log between markers that run.sh parses; in shell mode as
# an interactive shell on the console. Then powers the VM off.

OUT=/dev/ttyS1
# shellcheck source=/dev/null
. /run/fbvm/env

# A kernel tree booted in place (KDIR, e.g. the debug kernel) has no
# /lib/modules/KVER: give it one (in the overlay) from the tree's module
# lists, so that modprobe of a built-in module (veth, 8021q, ...) succeeds
# as it does on an installed kernel.
kver=$(uname -r)
if [ -n "${FBVM_KDIR:-}" ] && [ ! -e "/lib/modules/$kver" ] &&
	[ -f "$FBVM_KDIR/modules.builtin" ]; then
	mkdir -p "/lib/modules/$kver"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$FBVM_KDIR/$f" ] && cp "$FBVM_KDIR/$f" "/lib/modules/$kver/"
	done
	ln -s "$FBVM_KDIR" "/lib/modules/$kver/build"
	depmod -a "$kver" >/dev/console 2>&1
fi

# On kernels with kmemleak (debug kernels): forget what boot leaked, then
# report what leaked while the job ran along with the kernel log.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ "${FBVM_MODE:-batch}" != shell ] && [ -w "$KMEMLEAK" ]; then
	echo scan >"$KMEMLEAK" 2>/dev/null
	echo clear >"$KMEMLEAK" 2>/dev/null
fi

if [ "${FBVM_MODE:-batch}" = shell ]; then
	setsid -c env -i PATH="$PATH" HOME=/root TERM="${FBVM_TERM:-vt100}" \
		LANG=C.UTF-8 /bin/bash /run/fbvm/job.sh </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	env -i PATH="$PATH" HOME=/root TERM=dumb LANG=C.UTF-8 \
		/bin/bash /run/fbvm/job.sh </dev/null >"$OUT" 2>&1
	rc=$?
fi

{
	echo "@@FBVM_EXIT=$rc@@"
	echo "@@FBVM_DMESG_BEGIN@@"
	dmesg
	if [ "${FBVM_MODE:-batch}" != shell ] && [ -w "$KMEMLEAK" ]; then
		echo scan >"$KMEMLEAK" 2>/dev/null
		sleep 1
		echo scan >"$KMEMLEAK" 2>/dev/null
		cat "$KMEMLEAK" 2>/dev/null
	fi
	echo "@@FBVM_DMESG_END@@"
} >"$OUT"
sync
echo o >/proc/sysrq-trigger
sleep 10 2>/dev/null
echo b >/proc/sysrq-trigger
