/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences live here and only here.
 * flowbr is developed against Debian 12's 6.1 kernel.
 */
#ifndef _FLOWBR_COMPAT_H
#define _FLOWBR_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>

/* 6.12 turned the LLTX and NETNS_LOCAL feature bits into netdev fields. */
static inline void flowbr_compat_set_lltx_netns_local(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->lltx = true;
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
}

#endif /* _FLOWBR_COMPAT_H */
