# SPDX-License-Identifier: GPL-2.0
#
# flowbr top-level Makefile.
#   make            build kmod/flowbr.ko and the tools in genl-tool/
#   make check      install what is missing, build, boot a VM, run selftests
#                   (T=name or T=a,b runs only those tests)
#   make lint       the module's static checks: sparse, and checkpatch when a
#                   kernel source tree is at hand (make check runs it first)
#   make check-debug  the same in a debug kernel (KASAN, kmemleak, lockdep,
#                   UBSAN, ...; built once and cached, ~15-30 min the first
#                   time), with the module built in build/debug-kmod/ and
#                   FLOWBR_FULL=1 (the tests' full forms)
#   make demo       build, boot, set up the seed topology and show it working
#   make vm-shell   build, boot and drop into a shell inside the VM
#   make bench      build, boot, benchmark flowbr against the Linux bridge,
#                   Open vSwitch and bare veth (results in build/bench/;
#                   BENCH=F1,F5 runs only those scenarios, RUNS=N runs each)
#   make deps       apt-install the build and test dependencies (root)
#   make install    install the module (depmod) and the tools
#   make dkms-install  register the tree with DKMS
#   make install-systemd    flowbr.service (restore at boot) + flowbrd.service
#   make install-ovs-compat ovs-vsctl -> flowbr (for libvirt and scripts)

KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^#define FLOWBR_VERSION "\(.*\)"/\1/p' kmod/version.h)

export KDIR
comma := ,

.PHONY: all module tools clean check check-debug debug-module demo vm-shell bench-insn lint \
	deps install dkms-install need-deps bench install-systemd install-ovs-compat

all: module tools

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no kernel build tree: install linux-headers-amd64 (make deps) or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C genl-tool VERSION=$(VERSION)

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C genl-tool clean
	rm -rf build

deps:
	./selftests/vm/deps.sh

# Install dependencies only when something is missing.
need-deps:
	@./selftests/vm/deps.sh --check >/dev/null 2>&1 || ./selftests/vm/deps.sh

check: need-deps
	$(MAKE) all
	@$(MAKE) --no-print-directory lint || { echo "0 passed, 1 failed"; exit 1; }
	./selftests/vm/run.sh --tests $(if $(T),--only $(T))

# copy-kmod DIR: the module's sources (not what a build left in kmod/) in
# DIR, to be built there out of the source tree.
define copy-kmod
	rm -rf $(1)/kmod
	mkdir -p $(1)/kmod
	cp -p Kbuild $(1)/
	cp -pr kmod/Kbuild kmod/uapi $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) $(1)/kmod/
endef

# Static checks of the module, any finding fails: sparse on every file
# (C=2, against KDIR), then scripts/checkpatch.pl of a kernel source tree
# (KSRC, by default the debug kernel's when it was built) on every source
# file. compat.h is where the version checks belong: checkpatch's advice
# against LINUX_VERSION_CODE is not taken there.
LINT := $(CURDIR)/build/lint
KSRC ?= $(shell tail -n 1 build/debug-kdir 2>/dev/null)
CHECKPATCH = $(KSRC)/scripts/checkpatch.pl --no-tree --terse --show-types --file

lint: need-deps
	@mkdir -p $(LINT)
	@$(call copy-kmod,$(LINT))
	@echo "lint: sparse (C=2) against $(KDIR)"
	@$(MAKE) -C $(KDIR) M=$(LINT) C=2 modules >$(LINT)/sparse.log 2>&1 || \
		{ cat $(LINT)/sparse.log; echo "lint: the module does not build"; exit 1; }
	@! grep -E ': (warning|error):' $(LINT)/sparse.log || \
		{ echo "lint: sparse: the findings above"; exit 1; }
	@if [ -f "$(KSRC)/scripts/checkpatch.pl" ]; then \
		echo "lint: checkpatch ($(KSRC))"; \
		fail=0; \
		for f in $(filter-out %.mod.c kmod/compat.h,$(wildcard kmod/*.[ch])) kmod/uapi/linux/flowbr.h; do \
			$(CHECKPATCH) $$f | grep -v '^total:' && fail=1; \
		done; \
		$(CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON kmod/compat.h | \
			grep -v '^total:' && fail=1; \
		[ $$fail = 0 ] || { echo "lint: checkpatch: the findings above"; exit 1; }; \
	else \
		echo "lint: checkpatch skipped: no kernel source tree (KSRC=, or make debug-module)"; \
	fi
	@echo "lint: clean"

# The debug kernel (selftests/vm/debug-kernel.sh: built once, then cached in
# ~/.cache/flowbr/linux-debug) and flowbr built against it out of the source
# tree, in build/debug-kmod/, so kmod/flowbr.ko (for the distro kernel) stays.
DEBUG_KMOD := $(CURDIR)/build/debug-kmod

debug-module:
	@mkdir -p build
	./selftests/vm/debug-kernel.sh >build/.debug-kdir.tmp || { rm -f build/.debug-kdir.tmp; exit 1; }
	mv build/.debug-kdir.tmp build/debug-kdir
	$(call copy-kmod,$(DEBUG_KMOD))
	$(MAKE) -C "$$(tail -n 1 build/debug-kdir)" M=$(DEBUG_KMOD) modules

# Timeouts, measured in the debug kernel on two cores: a test's full form
# takes up to 45 minutes there (nl_fuzz: 100000 requests; fault_agent
# 30), and the whole suite about three hours with full forms, 100 minutes
# with short ones.
check-debug: need-deps
	@mkdir -p build
	$(MAKE) tools
	$(MAKE) debug-module
	full=$${FLOWBR_FULL-1}; \
	KDIR="$$(tail -n 1 build/debug-kdir)" FLOWBR_FULL=$$full \
		FLOWBR_TIME_SCALE=$${FLOWBR_TIME_SCALE:-5} \
		VM_TIMEOUT=$${VM_TIMEOUT:-$$([ "$$full" = 1 ] && echo 16200 || echo 9000)} \
		FLOWBR_TEST_TIMEOUT=$${FLOWBR_TEST_TIMEOUT:-$$([ "$$full" = 1 ] && echo 4500 || echo 1800)} \
		VM_MEM=$${VM_MEM:-4096} \
		FLOWBR_KO=$(DEBUG_KMOD)/kmod/flowbr.ko \
		./selftests/vm/run.sh --tests $(if $(T),--only $(T))

demo: need-deps
	$(MAKE) all
	./selftests/vm/run.sh --demo

vm-shell: need-deps
	$(MAKE) all
	./selftests/vm/run.sh --shell

# Runs ./selftests/vm/run.sh --script selftests/bench/run.sh and copies the
# results out to build/bench/ (see Documentation/performance.md).
bench: need-deps
	$(MAKE) all
	$(if $(BENCH),FLOWBR_BENCH_SCENARIOS="$(subst $(comma), ,$(BENCH))") \
	$(if $(RUNS),FLOWBR_BENCH_RUNS=$(RUNS)) \
		./selftests/bench/bench.sh

# Instructions per frame under TCG instead of packets/s (selftests/bench/
# insn/, Documentation/performance.md): results in build/bench-insn/;
# PROFILE=1 adds them per guest function (profile.txt).
bench-insn: need-deps
	$(MAKE) all
	$(if $(BENCH),FLOWBR_BENCH_SCENARIOS="$(subst $(comma), ,$(BENCH))") \
	$(if $(RUNS),FLOWBR_BENCH_RUNS=$(RUNS)) \
	$(if $(PROFILE),FLOWBR_BENCH_PROFILE=1) \
		./selftests/bench/bench.sh --insn

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/,%,$(dir $(KDIR))))
	$(MAKE) -C genl-tool install PREFIX=$(PREFIX)

install-systemd: tools
	$(MAKE) -C genl-tool install PREFIX=$(PREFIX)
	install -m 0644 genl-tool/flowbr.service genl-tool/flowbrd.service /etc/systemd/system/
	install -d $(PREFIX)/share/doc/flowbr
	install -m 0644 Documentation/*.md $(PREFIX)/share/doc/flowbr/
	systemctl daemon-reload
	systemctl enable flowbr.service flowbrd.service

# libvirt runs ovs-vsctl (found in PATH; /usr/local/sbin comes first) for
# <virtualport type='openvswitch'/>: flowbr answers under that name.
install-ovs-compat: tools
	$(MAKE) -C genl-tool install PREFIX=$(PREFIX)
	@if [ -e /usr/bin/ovs-vsctl ]; then echo "note: Open vSwitch's /usr/bin/ovs-vsctl is installed;" \
		"$(PREFIX)/sbin/ovs-vsctl (flowbr) comes first in PATH" >&2; fi
	ln -sf flowbr $(PREFIX)/sbin/ovs-vsctl

dkms-install:
	rm -rf /usr/src/flowbr-$(VERSION)
	mkdir -p /usr/src/flowbr-$(VERSION)
	cp -r Kbuild dkms.conf kmod /usr/src/flowbr-$(VERSION)/
	dkms add -m flowbr -v $(VERSION) || true
	dkms build -m flowbr -v $(VERSION)
	dkms install -m flowbr -v $(VERSION)
