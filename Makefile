# SPDX-License-Identifier: GPL-2.0
#
# flowbr top-level Makefile.
#   make            build kmod/flowbr.ko and the tools in genl-tool/
#   make check      install what is missing, build, boot a VM, run selftests
#                   (T=name or T=a,b runs only those tests)
#   make demo       build, boot, set up the seed topology and show it working
#   make vm-shell   build, boot and drop into a shell inside the VM
#   make bench      build, boot, benchmark flowbr against the Linux bridge,
#                   Open vSwitch and bare veth (results in build/bench/;
#                   BENCH=F1,F5 runs only those scenarios, RUNS=N runs each)
#   make deps       apt-install the build and test dependencies (root)
#   make install    install the module (depmod) and the tools
#   make dkms-install  register the tree with DKMS

KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^#define FLOWBR_VERSION "\(.*\)"/\1/p' kmod/version.h)

export KDIR
comma := ,

.PHONY: all module tools clean check demo vm-shell deps \
	install dkms-install need-deps bench

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

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/,%,$(dir $(KDIR))))
	$(MAKE) -C genl-tool install PREFIX=$(PREFIX)

dkms-install:
	rm -rf /usr/src/flowbr-$(VERSION)
	mkdir -p /usr/src/flowbr-$(VERSION)
	cp -r Kbuild dkms.conf kmod /usr/src/flowbr-$(VERSION)/
	dkms add -m flowbr -v $(VERSION) || true
	dkms build -m flowbr -v $(VERSION)
	dkms install -m flowbr -v $(VERSION)
