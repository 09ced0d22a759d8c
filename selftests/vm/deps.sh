#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building flowbr and running its tests in a VM needs, with apt
# (Debian 12). Run as root.
#
#   deps.sh           install those of the packages below that are missing
#                     (apt-get update first)
#   deps.sh --check   exit 0 if they are all installed, else 1 (listing the
#                     missing ones); needs no root and changes nothing

set -euo pipefail

PACKAGES=(
	build-essential  # gcc, make: the module and the tools
	pkg-config       # finds libmnl for genl-tool
	libmnl-dev       # netlink library used by genl-tool
	linux-image-amd64   # the kernel the test VM boots
	linux-headers-amd64 # its build tree: KDIR for the module
	sparse           # make lint: the module's static checks (C=2)
	qemu-system-x86  # the test VM (TCG)
	busybox-static   # the VM's initramfs
	iproute2         # ip, genl: namespaces, veth, generic netlink
	iputils-ping     # ping in the tests and the demo
	tcpdump          # packet captures in the tests
	kmod             # insmod, rmmod, modprobe, modinfo
	cpio             # packs the initramfs
	openvswitch-switch # Open vSwitch, to compare with what flowbr replaces
	util-linux       # setpriv, unshare, dmesg, flock
	python3          # JSON checks in the tests
	xz-utils         # compressed kernel modules
)
PKGS=("${PACKAGES[@]}")

missing() {
	local p
	for p in "${PKGS[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
			echo "$p"
		fi
	done
}

if [ "${1:-}" = --check ]; then
	m=$(missing)
	if [ -n "$m" ]; then
		echo "missing packages: $(echo "$m" | tr '\n' ' ')"
		echo "install them with: make deps (as root)"
		exit 1
	fi
	echo "all build and test dependencies are installed"
	exit 0
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--check]" >&2
	exit 2
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: must run as root to install packages (try: sudo make deps)" >&2
	m=$(missing || true)
	[ -z "$m" ] || echo "deps.sh: missing: $(echo "$m" | tr '\n' ' ')" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "deps.sh: apt-get not found: this script supports Debian 12 only" >&2
	exit 1
fi

mapfile -t todo < <(missing)
if [ "${#todo[@]}" = 0 ]; then
	echo "deps.sh: all ${#PKGS[@]} packages are already installed: ${PKGS[*]}"
	exit 0
fi
echo "deps.sh: installing with apt-get (Debian 12): ${todo[*]}"
echo "deps.sh: (already installed: $(comm -23 <(printf '%s\n' "${PKGS[@]}" | sort) \
	<(printf '%s\n' "${todo[@]}" | sort) | tr '\n' ' '))"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${todo[@]}"

m=$(missing || true)
if [ -n "$m" ]; then
	echo "deps.sh: still missing after apt-get install: $m" >&2
	exit 1
fi
echo "deps.sh: done"
