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
 * With profile=FILE it also counts per translated block (by its guest
 * address) and, at each even mark N (the driver brackets burst k between
 * marks 2k+1 and 2k+2), writes "mark N" and one "ADDR COUNT" line per
 * block executed since the previous mark: insn_profile.py turns that into
 * instructions per frame per guest function. What runs between bursts
 * (odd sections: set-up, boot) is counted but not written.
 *
 * Debian ships no qemu-plugin.h: the few API entries used are declared in
 * qemu_plugin_api.h from QEMU's plugin documentation (API version 1, QEMU
 * 7.2); QEMU checks qemu_plugin_version when it loads the plugin.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const unsigned char marker[] = { 0x4d, 0x87, 0xf6 };

static uint64_t insns;		/* executed, all vCPUs */
static uint64_t marks;
static FILE *out;

/*
 * Profile: one counter per block address, never moved once handed to the
 * generated code (a block translated again shares it), found through an
 * open-addressing table of pointers that doubles when half full.
 */
struct block {
	uint64_t vaddr;
	uint64_t count;		/* instructions executed in it */
	uint64_t seen;		/* count at the previous mark */
};

static FILE *prof;
static struct block **tab;
static size_t tab_size, n_blocks;

static size_t slot_of(struct block **t, size_t size, uint64_t vaddr)
{
	size_t i = (size_t)((vaddr * 0x9e3779b97f4a7c15ull) >> 20) & (size - 1);

	while (t[i] && t[i]->vaddr != vaddr)
		i = (i + 1) & (size - 1);
	return i;
}

static int tab_grow(void)
{
	size_t size = tab_size ? 2 * tab_size : 1 << 16, i;
	struct block **t = calloc(size, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < tab_size; i++)
		if (tab[i])
			t[slot_of(t, size, tab[i]->vaddr)] = tab[i];
	free(tab);
	tab = t;
	tab_size = size;
	return 0;
}

static struct block *block_get(uint64_t vaddr)
{
	size_t i;

	if (2 * (n_blocks + 1) > tab_size && tab_grow())
		return NULL;
	i = slot_of(tab, tab_size, vaddr);
	if (!tab[i]) {
		tab[i] = calloc(1, sizeof(**tab));
		if (!tab[i])
			return NULL;
		tab[i]->vaddr = vaddr;
		n_blocks++;
	}
	return tab[i];
}

static void prof_mark(void)
{
	bool write = !(marks % 2);
	size_t i;

	if (write)
		fprintf(prof, "mark %" PRIu64 "\n", marks);
	for (i = 0; i < tab_size; i++) {
		struct block *b = tab[i];

		if (!b || b->count == b->seen)
			continue;
		if (write)
			fprintf(prof, "%" PRIx64 " %" PRIu64 "\n", b->vaddr,
				b->count - b->seen);
		b->seen = b->count;
	}
	fflush(prof);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)udata;
	fprintf(out, "mark %" PRIu64 " vcpu %u insns %" PRIu64 "\n", ++marks,
		vcpu, insns);
	fflush(out);
	if (prof)
		prof_mark();
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &insns, n);
	if (prof) {
		struct block *b = block_get(qemu_plugin_tb_vaddr(tb));

		if (b)
			qemu_plugin_register_vcpu_tb_exec_inline(tb,
								 QEMU_PLUGIN_INLINE_ADD_U64,
								 &b->count, n);
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
		    !memcmp(qemu_plugin_insn_data(insn), marker, sizeof(marker)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fprintf(out, "exit marks %" PRIu64 " insns %" PRIu64 "\n", marks, insns);
	fclose(out);
	if (prof)
		fclose(prof);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *path = NULL, *prof_path = NULL;
	int i;

	if (!info->system_emulation) {
		fprintf(stderr, "fbinsn: system emulation only\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			path = argv[i] + 4;
		} else if (!strncmp(argv[i], "profile=", 8)) {
			prof_path = argv[i] + 8;
		} else {
			fprintf(stderr, "fbinsn: unknown argument '%s' (out=FILE[,profile=FILE])\n",
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
	if (prof_path) {
		prof = fopen(prof_path, "w");
		if (!prof || tab_grow()) {
			perror(prof_path);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
