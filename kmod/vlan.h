/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VLAN classification on ingress, inlined into the packet path (datapath.c)
 * and PACKET_EXECUTE (genl_flow.c). The rest of the VLAN code is vlan.c.
 */
#ifndef _FLOWBR_VLAN_H
#define _FLOWBR_VLAN_H

#include "flowbr.h"

static inline bool flowbr_trunks(const struct flowbr_vlan_cfg *cfg, u16 vid)
{
	return cfg->all || test_bit(vid, cfg->trunks);
}

/*
 * Classify an skb whose data starts at its Ethernet header. On success the
 * skb carries no outer 802.1Q tag any more and @in says which VLAN it is in.
 */
static __always_inline enum flowbr_drop_reason
flowbr_vlan_ingress(const struct flowbr_vlan_cfg *cfg, struct sk_buff *skb,
		    struct flowbr_ingress *in)
{
	__be16 proto;
	u16 tci = 0, vid;

	in->tagged = false;
	in->prio = 0;
	in->orig_tci = 0;

	if (skb_vlan_tag_present(skb)) {
		proto = skb->vlan_proto;
		tci = skb_vlan_tag_get(skb);
		__vlan_hwaccel_clear_tag(skb);
		in->tagged = true;
	} else {
		proto = eth_hdr(skb)->h_proto;
		if (eth_type_vlan(proto)) {
			if (unlikely(!pskb_may_pull(skb, VLAN_ETH_HLEN)))
				return FLOWBR_DROP_MALFORMED;
			if (unlikely(__skb_vlan_pop(skb, &tci)))
				return FLOWBR_DROP_NOMEM;
			in->tagged = true;
		}
	}

	if (in->tagged) {
		/* Only C-tags are VLANs here: an S-tag outer header is QinQ. */
		if (proto != htons(ETH_P_8021Q))
			return FLOWBR_DROP_VLAN_INVALID;
		in->orig_tci = tci;
		in->prio = tci & ~VLAN_VID_MASK;
		vid = tci & VLAN_VID_MASK;
		if (vid == VLAN_VID_MASK)
			return FLOWBR_DROP_VLAN_INVALID;
	} else {
		vid = 0;
	}

	if (vid) {
		/* Tagged with a real VID. */
		if (cfg->mode == FLOWBR_VLAN_ACCESS)
			return FLOWBR_DROP_VLAN_TAGGED;
		if (!flowbr_trunks(cfg, vid))
			return FLOWBR_DROP_VLAN_NOT_TRUNKED;
		in->vlan = vid;
		return FLOWBR_DROP_UNSPEC;
	}

	/*
	 * A priority tag over another VLAN tag is the double-tagging trick:
	 * it would leave an untagged port still tagged with the inner VID.
	 * No host sends it; refuse it like a tagged frame.
	 */
	if (in->tagged && eth_type_vlan(eth_hdr(skb)->h_proto))
		return cfg->mode == FLOWBR_VLAN_ACCESS ?
			FLOWBR_DROP_VLAN_TAGGED : FLOWBR_DROP_VLAN_INVALID;

	/* Untagged or priority-tagged. */
	switch (cfg->mode) {
	case FLOWBR_VLAN_TRUNK:
		in->vlan = FLOWBR_VLAN_UNTAGGED;
		break;
	default:
		in->vlan = cfg->tag;
		break;
	}
	return FLOWBR_DROP_UNSPEC;
}

#endif /* _FLOWBR_VLAN_H */
