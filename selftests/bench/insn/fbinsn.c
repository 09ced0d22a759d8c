// SPDX-License-Identifier: GPL-2.0
/*
 * fbinsn.c - a QEMU TCG plugin for `make bench-insn`: counts the
 * instructions the guest executes (all vCPUs) and writes the running total
 * to a file each time the guest executes the marker instruction
 * `xchg %r14,%r14` (bytes 4d 87 f6; selftests/bench/insn/fbmark.c runs it).
 * The driver brackets a burst of frames with two marks; the difference is
 * what the whole guest did for it.
 *
 *   qemu-system-x86_64 -accel tcg,thread=single \
 *       -plugin build/bench-insn/fbinsn.so,out=FILE ...
 *
 * The counter is a plain u64 added to inline at the start of each
 * translated block: exact only with one TCG thread for all vCPUs
 * (thread=single), which selftests/vm/run.sh sets with VM_PLUGIN. A
 * marker in the middle of a block counts the rest of that block too (a
 * handful of instructions).
 *
 * Debian ships no qemu-plugin.h: the few API entries used are declared in
 * qemu_plugin_api.h from QEMU's plugin documentation (API version 1, QEMU
 * 7.2); QEMU checks qemu_plugin_version when it loads the plugin.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const unsigned char marker[] = { 0x4d, 0x87, 0xf6 };

static uint64_t insns;		/* executed, all vCPUs */
static uint64_t marks;
static FILE *out;

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)udata;
	fprintf(out, "mark %" PRIu64 " vcpu %u insns %" PRIu64 "\n", ++marks,
		vcpu, insns);
	fflush(out);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &insns, n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
		    !memcmp(qemu_plugin_insn_data(insn), marker, sizeof(marker)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void on_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fprintf(out, "exit marks %" PRIu64 " insns %" PRIu64 "\n", marks, insns);
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *path = NULL;
	int i;

	if (!info->system_emulation) {
		fprintf(stderr, "fbinsn: system emulation only\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else {
			fprintf(stderr, "fbinsn: unknown argument '%s' (out=FILE)\n",
				argv[i]);
			return -1;
		}
	}
	if (!path) {
		fprintf(stderr, "fbinsn: missing out=FILE\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_exit, NULL);
	return 0;
}
