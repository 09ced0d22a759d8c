#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a throw-away QEMU VM (Debian's kernel, TCG, busybox initramfs, the
# host's root mounted read-only over 9p with a tmpfs overlay on top) and run
# something inside it as root, with the current directory at the repository.
#
#   run.sh --tests [--only N1,N2]  selftests/run_tests.sh [NAME]   (make check)
#   run.sh --demo                  selftests/demo.sh               (make demo)
#   run.sh --shell                 interactive shell               (make vm-shell)
#   run.sh --script FILE [ARGS]    any script                      (make bench)
#
# The kernel log of the VM is scanned for splats (selftests/splat-patterns.txt)
# at the end; a splat, a crash (panic_on_warn=1, oops=panic) or a timeout
# fails the run. In --tests mode the last line printed is always
# "N passed, N failed[, N skipped]".
#
# Environment: KDIR (kernel build dir; its kernel is booted), VM_KVER,
# VM_KERNEL (override the kernel release / image), VM_TIMEOUT (seconds,
# default 2400), VM_BOOT_STALL (a boot whose console is silent this many
# seconds before the job starts is retried once; default 300), VM_MEM (MiB,
# default 2048), VM_SMP (default 2),
# VM_APPEND (extra kernel arguments), VM_PLUGIN (a TCG plugin, "PATH,ARG=..."
# as for -plugin; TCG then runs all vCPUs in one thread, as the plugin's
# counters need: make bench-insn). The logs of the last run stay in
# build/vm/console.log (guest console) and build/vm/out.log (job output).
# CI and FLOWBR_* variables are passed into the VM.

# Generated job lines are single-quoted on purpose; cleanup runs from a trap.
# shellcheck disable=SC2016,SC2317
set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SELF_DIR/../.." && pwd)
BUILD="$REPO/build/vm"
SPLATS="$REPO/selftests/splat-patterns.txt"
# Bump when the initramfs layout changes, to invalidate cached images.
INITRAMFS_FORMAT=1

VM_TIMEOUT=${VM_TIMEOUT:-2400}
VM_BOOT_STALL=${VM_BOOT_STALL:-300}
VM_MEM=${VM_MEM:-2048}
VM_SMP=${VM_SMP:-2}
VM_CPU=${VM_CPU:-qemu64}

msg() { printf 'vm: %s\n' "$*"; }
die() {
	printf 'vm: error: %s\n' "$*" >&2
	# In --tests mode the last line must still be the counts.
	if [ "${mode:-}" = tests ]; then echo "0 passed, 1 failed"; fi
	exit 1
}

usage() {
	cat <<'EOT'
usage: selftests/vm/run.sh --tests [--only NAME[,NAME...]]
       selftests/vm/run.sh --demo
       selftests/vm/run.sh --shell
       selftests/vm/run.sh --script FILE [ARGS...]
Boots Debian's kernel in QEMU (TCG) with this repository mounted and runs the
selftests, the demo, a shell or a script in it. See Documentation/testing.md.
EOT
}

mode=""
only=""
script=""
script_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) mode=tests ;;
	--demo) mode=demo ;;
	--shell) mode=shell ;;
	--only)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		only=$2
		shift
		;;
	--script)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		mode=script
		script=$2
		shift 2
		script_args=("$@")
		break
		;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ -n "$mode" ] || { usage >&2; exit 2; }
[ -z "$only" ] || [ "$mode" = tests ] || { usage >&2; exit 2; }

if [ -n "$only" ]; then
	known=$("$REPO/selftests/run_tests.sh" -l)
	only_list=()
	for t in ${only//,/ }; do
		if ! grep -qxF "${t%.sh}.sh" <<<"$known"; then
			die "unknown test '${t%.sh}'; the tests are: $(echo "${known//.sh/}" | tr '\n' ' ')"
		fi
		only_list+=("${t%.sh}")
	done
fi

case "$mode" in
demo)
	[ -f "$REPO/selftests/demo.sh" ] ||
		die "selftests/demo.sh does not exist (yet): nothing to demo"
	;;
script)
	[ -f "$script" ] || die "script '$script' not found"
	script_path=$(readlink -f "$script")
	;;
esac

[ "$(id -u)" -eq 0 ] || die "must run as root (QEMU's 9p export of / needs it)"
case "$REPO" in
*[\'\ ,]* | *[[:cntrl:]]*) die "repository path '$REPO' has spaces, quotes or commas: unsupported" ;;
esac

# ---------------------------------------------------------------- kernel
# The kernel to boot: the one whose build dir is KDIR (the Makefile exports
# the newest /lib/modules/*/build), else the newest with a build dir. KDIR
# may also be a kernel tree built in place (with arch/x86/boot/bzImage, e.g.
# a debug kernel): it is booted, and must have virtio PCI, 9p and overlayfs
# built in (=y) unless its modules are installed in /lib/modules.
CUSTOM_KDIR=""
if [ -z "${VM_KVER:-}" ] && [ -n "${KDIR:-}" ] && [ -f "$KDIR/arch/x86/boot/bzImage" ] &&
	[ -f "$KDIR/include/config/kernel.release" ]; then
	CUSTOM_KDIR=$(readlink -f "$KDIR")
fi

find_kver() {
	local d kd
	if [ -n "${VM_KVER:-}" ]; then
		echo "$VM_KVER"
		return
	fi
	if [ -n "$CUSTOM_KDIR" ]; then
		cat "$CUSTOM_KDIR/include/config/kernel.release"
		return
	fi
	if [ -n "${KDIR:-}" ] && [ -d "$KDIR" ]; then
		kd=$(readlink -f "$KDIR")
		for d in /lib/modules/*/build; do
			if [ "$(readlink -f "$d")" = "$kd" ]; then
				basename "$(dirname "$d")"
				return
			fi
		done
		echo "vm: warning: KDIR=$KDIR is not a /lib/modules/*/build; booting the newest kernel" >&2
	fi
	d=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] || return 1
	basename "$(dirname "$d")"
}

KVER=$(find_kver) || die "no kernel with a build dir under /lib/modules: run 'make deps'"
if [ -n "$CUSTOM_KDIR" ]; then
	KERNEL=${VM_KERNEL:-$CUSTOM_KDIR/arch/x86/boot/bzImage}
else
	KERNEL=${VM_KERNEL:-/boot/vmlinuz-$KVER}
	[ -d "/lib/modules/$KVER" ] || die "/lib/modules/$KVER not found"
fi
[ -r "$KERNEL" ] || die "kernel image $KERNEL not found: install linux-image-$KVER"
for c in qemu-system-x86_64 cpio gzip modprobe; do
	command -v "$c" >/dev/null || die "$c not found: run 'make deps'"
done
BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && [[ "$(ldd "$b" 2>&1 || true)" == *"not a dynamic"* ]]; then
		BUSYBOX=$b
		break
	fi
done
[ -n "$BUSYBOX" ] || die "no static busybox found: install busybox-static ('make deps')"

mkdir -p "$BUILD"

# One VM at a time on this machine (the cores are shared): serialise runs,
# also those of other checkouts (VM_LOCK names the lock file).
VM_LOCK=${VM_LOCK:-/run/lock/flowbr-vm.lock}
[ -d "$(dirname "$VM_LOCK")" ] || VM_LOCK=/tmp/flowbr-vm.lock
if [ "$mode" != shell ]; then
	exec 9>"$VM_LOCK"
	if ! flock -n 9; then
		msg "another VM run is in progress; waiting for it to finish"
		flock 9
	fi
fi

# ---------------------------------------------------------------- initramfs
# Cached as build/vm/initramfs-KVER.cpio.gz; rebuilt when init.sh, busybox,
# the module files or this format change. The per-run job is a second,
# small cpio appended to it (the kernel unpacks concatenated archives).
VM_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

module_files() {
	local m sym
	if [ -n "$CUSTOM_KDIR" ] && [ ! -d "/lib/modules/$KVER" ]; then
		for m in "${VM_MODULES[@]}"; do
			case "$m" in
			virtio_pci) sym=CONFIG_VIRTIO_PCI ;;
			9pnet_virtio) sym=CONFIG_NET_9P_VIRTIO ;;
			9p) sym=CONFIG_9P_FS ;;
			overlay) sym=CONFIG_OVERLAY_FS ;;
			esac
			grep -qx "$sym=y" "$CUSTOM_KDIR/.config" ||
				die "$CUSTOM_KDIR: $sym must be =y (its modules are not installed)"
		done
		return 0
	fi
	for m in "${VM_MODULES[@]}"; do
		modprobe -S "$KVER" --show-depends "$m" ||
			die "modprobe -S $KVER --show-depends $m failed"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

build_initramfs() {
	local img=$1 stampf=$1.stamp mods stamp stage f base
	mods=$(module_files)
	stamp=$({
		echo "format $INITRAMFS_FORMAT $KVER"
		sha256sum "$SELF_DIR/init.sh" "$SELF_DIR/stage2.sh" "$BUSYBOX"
		for f in $mods; do stat -c '%n %s %Y' "$f"; done
	} | sha256sum | cut -d' ' -f1)
	if [ -s "$img" ] && [ "$(cat "$stampf" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	msg "building initramfs for $KVER"
	stage=$(mktemp -d "$BUILD/initramfs.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,fbvm/modules}
	cp "$BUSYBOX" "$stage/bin/busybox"
	for f in $("$BUSYBOX" --list); do
		[ "$f" = busybox ] || ln -s busybox "$stage/bin/$f"
	done
	mknod "$stage/dev/console" c 5 1 2>/dev/null || true
	: >"$stage/fbvm/modules.list"
	for f in $mods; do
		base=$(basename "$f")
		case "$f" in
		*.ko.xz) xz -dc "$f" >"$stage/fbvm/modules/${base%.xz}"; base=${base%.xz} ;;
		*.ko.zst) zstd -qdc "$f" >"$stage/fbvm/modules/${base%.zst}"; base=${base%.zst} ;;
		*.ko.gz) gzip -dc "$f" >"$stage/fbvm/modules/${base%.gz}"; base=${base%.gz} ;;
		*) cp "$f" "$stage/fbvm/modules/$base" ;;
		esac
		echo "$base" >>"$stage/fbvm/modules.list"
	done
	install -m 0755 "$SELF_DIR/init.sh" "$stage/init"
	install -m 0755 "$SELF_DIR/stage2.sh" "$stage/fbvm/stage2.sh"
	(cd "$stage" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$img.tmp"
	mv "$img.tmp" "$img"
	echo "$stamp" >"$stampf"
	rm -rf "$stage"
}

BASE_IMG="$BUILD/initramfs-$KVER.cpio.gz"
build_initramfs "$BASE_IMG"


# ---------------------------------------------------------------- the job
RUN=$(mktemp -d "$BUILD/run.XXXXXX")
qpid=""
tpid=""
cleanup() {
	if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; fi
	if [ -n "$tpid" ]; then kill "$tpid" 2>/dev/null || true; fi
	if [ -d "$RUN" ]; then
		for f in console.log out.log; do
			if [ -f "$RUN/$f" ]; then mv -f "$RUN/$f" "$BUILD/$f"; fi
		done
		rm -rf "$RUN"
	fi
}
trap cleanup EXIT
trap 'echo; msg "interrupted"; exit 130' INT TERM

q() { printf '%q' "$1"; }

write_job() {
	local v sz a sp
	echo '#!/bin/bash'
	echo '# generated by selftests/vm/run.sh'
	while IFS= read -r v; do # pass CI and FLOWBR_* settings through
		echo "export $v=$(q "${!v}")"
	done < <(compgen -e | grep -E '^(CI|FLOWBR_[A-Za-z0-9_]*)$' || true)
	echo "export REPO=$(q "$REPO")"
	echo 'cd "$REPO" || exit 125'
	case "$mode" in
	shell)
		if sz=$(stty size 2>/dev/null) && [ -n "$sz" ]; then
			echo "stty rows ${sz% *} cols ${sz#* } 2>/dev/null"
		fi
		echo 'echo "flowbr test VM, kernel $(uname -r); repository at $REPO (changes are discarded)."'
		echo 'echo "Leave with: exit  (or Ctrl-A X)"'
		echo "export PS1='[flowbr-vm \\w]# '"
		echo 'exec /bin/bash --norc -i'
		return
		;;
	esac
	echo 'echo "@@FBVM_START@@ $(cut -d" " -f1 /proc/uptime)"'
	case "$mode" in
	tests)
		echo "exec ./selftests/run_tests.sh${only:+ ${only_list[*]}}"
		;;
	demo)
		echo 'exec bash selftests/demo.sh'
		;;
	script)
		printf 'set --'
		for a in "${script_args[@]}"; do printf ' %s' "$(q "$a")"; done
		echo
		if [[ "$script_path" == "$REPO"/* ]]; then
			sp=$script_path
		else # might be hidden in the VM (under /tmp, say): ship a copy
			cp "$script_path" "$RUN/job/fbvm/script"
			sp=/run/fbvm/script
		fi
		echo "if [ -x $(q "$sp") ]; then exec $(q "$sp") \"\$@\"; fi"
		echo "exec bash $(q "$sp") \"\$@\""
		;;
	esac
}

mkdir -p "$RUN/job/fbvm"
write_job >"$RUN/job/fbvm/job.sh"
chmod 0755 "$RUN/job/fbvm/job.sh"
{
	echo "FBVM_MODE='$([ "$mode" = shell ] && echo shell || echo batch)'"
	echo "FBVM_REPO='$REPO'"
	echo "FBVM_TERM='${TERM:-vt100}'"
	echo "FBVM_KDIR='$CUSTOM_KDIR'"
} >"$RUN/job/fbvm/env"
(cd "$RUN/job" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$RUN/job.cpio.gz"
cat "$BASE_IMG" "$RUN/job.cpio.gz" >"$RUN/initrd.img"

if [ "$mode" = tests ] || [ "$mode" = script ] || [ "$mode" = shell ]; then
	ko=${FLOWBR_KO:-$REPO/kmod/flowbr.ko}
	if [ -f "$ko" ] && command -v modinfo >/dev/null; then
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
		if [ -n "$vm" ] && [ "$vm" != "$KVER" ]; then
			msg "warning: $ko is built for $vm, the VM runs $KVER"
		fi
	fi
fi

# ---------------------------------------------------------------- boot
APPEND="console=ttyS0 panic_on_warn=1 oops=panic panic=-1 log_buf_len=4M"
APPEND+=" rcupdate.rcu_cpu_stall_timeout=60 mitigations=off"
# slab_nomerge: every slab cache keeps its own line in /proc/slabinfo, or
# Debian's kernel folds flowbr_flow into a cache of the same size, and
# nl_fuzz cannot count flow objects nor the benchmark flowbr's memory.
APPEND+=" slab_nomerge"
[ -z "${VM_APPEND:-}" ] || APPEND+=" $VM_APPEND"

ACCEL=tcg
[ -z "${VM_PLUGIN:-}" ] || ACCEL=tcg,thread=single
QEMU=(qemu-system-x86_64 -accel "$ACCEL" -cpu "$VM_CPU" -m "$VM_MEM" -smp "$VM_SMP"
	-nodefaults -no-reboot -display none -nic none
	-kernel "$KERNEL" -initrd "$RUN/initrd.img" -append "$APPEND"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
[ -z "${VM_PLUGIN:-}" ] || QEMU+=(-plugin "$VM_PLUGIN")

if [ "$mode" = shell ]; then
	msg "booting $KVER (TCG, $VM_SMP vCPUs, $VM_MEM MiB): ~10 s; Ctrl-A X kills the VM"
	"${QEMU[@]}" -serial mon:stdio -serial null
	exit 0
fi

OUT="$RUN/out.log"
CONSOLE="$RUN/console.log"
msg "booting $KVER (TCG, $VM_SMP vCPUs, $VM_MEM MiB, timeout ${VM_TIMEOUT}s)"

# A boot that hangs before the job starts (once under TCG, 2026-12-07: the
# debug kernel's console stopped 0.5 s into its boot, at the RCU-tasks self
# tests, with QEMU and the host idle for 13 minutes) is killed when the
# console has been silent for VM_BOOT_STALL seconds, and booted once more.
boot_vm() {
	: >"$CONSOLE"
	rm -f "$OUT"
	t0=$(date +%s)
	"${QEMU[@]}" -monitor none -serial "file:$CONSOLE" -serial "file:$OUT" \
		</dev/null >"$RUN/qemu.log" 2>&1 &
	qpid=$!
}

# Waits until the job has started or QEMU has exited (status 0), or the
# console has been silent for VM_BOOT_STALL seconds before that (status 1).
wait_boot() {
	local size=-1 quiet_since now cur
	quiet_since=$(date +%s)
	while kill -0 "$qpid" 2>/dev/null; do
		grep -q '^@@FBVM_START@@' "$OUT" 2>/dev/null && return 0
		now=$(date +%s)
		cur=$(stat -c %s "$CONSOLE" 2>/dev/null || echo 0)
		if [ "$cur" != "$size" ]; then
			size=$cur
			quiet_since=$now
		elif [ $((now - quiet_since)) -ge "$VM_BOOT_STALL" ]; then
			return 1
		fi
		sleep 1
	done
	return 0
}

boot_hung=0
boot_vm
if ! wait_boot; then
	msg "the boot hung: no console output for ${VM_BOOT_STALL}s before the job started; last lines:"
	tail -n 3 "$CONSOLE" | tr -d '\r' | sed 's/^/  | /'
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	cp "$CONSOLE" "$BUILD/console-hung.log"
	msg "booting again (the hung boot's console is in build/vm/console-hung.log)"
	boot_vm
	if ! wait_boot; then
		msg "the boot hung again; giving up"
		boot_hung=1
		kill "$qpid" 2>/dev/null || true
	fi
fi

# Stream the job's output as it arrives (markers and kernel log hidden).
while [ ! -e "$OUT" ] && kill -0 "$qpid" 2>/dev/null; do sleep 0.1; done
if [ -e "$OUT" ]; then
	tail -n +1 -f --pid="$qpid" "$OUT" | tr -d '\r' | awk '
		/^@@FBVM_START@@/ { printf "vm: booted in %s s\n", $2; fflush(); next }
		/^@@FBVM_EXIT=/ { next }
		/^@@FBVM_DMESG_BEGIN@@/ { hide = 1 }
		!hide { print; fflush() }' &
	tpid=$!
fi

timed_out=0
end_seen=""
while kill -0 "$qpid" 2>/dev/null; do
	now=$(date +%s)
	if [ $((now - t0)) -ge "$VM_TIMEOUT" ]; then
		timed_out=1
		kill "$qpid" 2>/dev/null || true
		break
	fi
	# The job is done: give the guest 30 s to power off.
	if [ -z "$end_seen" ] && grep -q '^@@FBVM_DMESG_END@@' "$OUT" 2>/dev/null; then
		end_seen=$now
	fi
	if [ -n "$end_seen" ] && [ $((now - end_seen)) -ge 30 ]; then
		kill "$qpid" 2>/dev/null || true
		break
	fi
	sleep 1
done
qrc=0
wait "$qpid" || qrc=$?
qpid=""
if [ -n "$tpid" ]; then
	wait "$tpid" 2>/dev/null || true
	tpid=""
fi
elapsed=$(($(date +%s) - t0))

# ---------------------------------------------------------------- verdict
tr -d '\r' <"$OUT" >"$RUN/out.txt" 2>/dev/null || : >"$RUN/out.txt"
tr -d '\r' <"$CONSOLE" >"$RUN/console.txt" 2>/dev/null || : >"$RUN/console.txt"
awk '/^@@FBVM_DMESG_BEGIN@@/ { exit } /^@@FBVM_START@@/ { on = 1; next } on' \
	"$RUN/out.txt" >"$RUN/job.txt"
awk '/^@@FBVM_DMESG_END@@/ { exit } on; /^@@FBVM_DMESG_BEGIN@@/ { on = 1 }' \
	"$RUN/out.txt" >"$RUN/dmesg.txt"
rc=$(sed -n 's/^@@FBVM_EXIT=\([0-9]*\)@@$/\1/p' "$RUN/out.txt" | tail -n 1)

problems=()
crashed=0
if [ "$timed_out" = 1 ]; then
	problems+=("timeout: the VM ran longer than VM_TIMEOUT=${VM_TIMEOUT}s and was killed")
	crashed=1
elif [ -z "$rc" ]; then
	if [ "$boot_hung" = 1 ]; then
		problems+=("the boot hung twice (no console output for ${VM_BOOT_STALL}s before the job started)")
	elif grep -qE 'Kernel panic|end Kernel panic' "$RUN/console.txt"; then
		problems+=("the guest kernel panicked (see the console log above)")
	else
		problems+=("the VM stopped before the job finished (qemu exit status $qrc)")
	fi
	crashed=1
fi

# Kernel log splats: from the dmesg dump, or the console when it crashed.
if [ -s "$RUN/dmesg.txt" ]; then
	splat_src="$RUN/dmesg.txt"
else
	splat_src="$RUN/console.txt"
fi
grep -Ev '^(#|$)' "$SPLATS" >"$RUN/patterns"
splat_lines=$(grep -nEf "$RUN/patterns" "$splat_src" | cut -d: -f1 || true)

failed_box=0
if [ -n "$splat_lines" ]; then
	failed_box=1
	echo
	msg "kernel log splat(s) found:"
	n=$(echo "$splat_lines" | wc -l)
	if [ "$crashed" = 0 ]; then # (after a crash the console log follows)
		first=$(echo "$splat_lines" | head -n 1)
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 60))p" "$splat_src"
	fi
	if [ "$n" -gt 1 ] || [ "$crashed" = 1 ]; then
		msg "all $n matching lines:"
		for l in $splat_lines; do sed -n "${l}p" "$splat_src"; done | head -n 50
	fi
	problems+=("kernel log splat (WARNING/BUG/Oops/...) in the guest")
fi

if [ "$crashed" = 1 ] || [ "$failed_box" = 1 ]; then
	echo
	msg "guest console log (last 200 lines of build/vm/console.log):"
	tail -n 200 "$RUN/console.txt" | sed 's/^/  | /'
elif [ "$rc" != 0 ]; then
	# A plain failure: the kernel messages since boot finished are enough.
	echo
	msg "guest kernel messages after boot (build/vm/console.log has all):"
	sed -n '/Run \/init as init process/,$p' "$RUN/console.txt" | tail -n 200 |
		sed 's/^/  | /'
fi

msg "VM run took ${elapsed}s"
for p in "${problems[@]}"; do msg "FAIL: $p"; done

if [ "$mode" != tests ]; then
	if [ "${#problems[@]}" -gt 0 ]; then exit 1; fi
	if [ "$rc" != 0 ]; then msg "the job exited with status $rc"; fi
	exit "$rc"
fi

# --tests: the counts come from the runner's closing line; a crash, a
# timeout or a splat counts as one more failure.
re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
line=$(grep -E "$re" "$RUN/job.txt" | tail -n 1 || true)
if [[ "$line" =~ $re ]]; then
	passed=${BASH_REMATCH[1]}
	failed=${BASH_REMATCH[2]}
	skipped=${BASH_REMATCH[4]:-0}
else # the runner did not get to its summary: count its results so far
	passed=$(grep -cE '^ok [0-9]+ ' "$RUN/job.txt" || true)
	skipped=$(grep -cE '^ok [0-9]+ .*# (SKIP|skip)' "$RUN/job.txt" || true)
	passed=$((passed - skipped))
	failed=$(grep -cE '^not ok [0-9]+ ' "$RUN/job.txt" || true)
fi
if [ "$crashed" = 1 ]; then
	running=$(sed -n 's/^# selftests: flowbr: //p' "$RUN/job.txt" | tail -n 1)
	msg "the VM died or was killed while running: ${running:-(no test started yet)}"
	failed=$((failed + 1))
fi
# A splat the runner pinned on a test, or the crash itself, is counted once.
if [ "$failed_box" = 1 ] && [ "$crashed" = 0 ] &&
	! grep -qE '^not ok [0-9]+ .*# kernel splat' "$RUN/job.txt"; then
	failed=$((failed + 1))
fi
if [ "$crashed" = 0 ] && [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	msg "FAIL: the test runner exited with status $rc"
	failed=1
fi
status=0
if [ "$failed" -gt 0 ] || [ "${#problems[@]}" -gt 0 ] || [ "$rc" != 0 ]; then
	status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
