// SPDX-License-Identifier: GPL-2.0
/*
 * fbmark.c - run the marker instruction the fbinsn.c TCG plugin logs the
 * guest's instruction count at (`xchg %r14,%r14`: changes nothing). Outside
 * such a VM it does nothing visible.
 */
int main(void)
{
	__asm__ volatile("xchg %%r14, %%r14" ::: "memory");
	return 0;
}
