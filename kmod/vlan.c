// SPDX-License-Identifier: GPL-2.0
/*
 * VLAN classification on ingress and egress tagging, with Open vSwitch's
 * vlan_mode semantics (see enum flowbr_vlan_mode in the uapi header).
 *
 * On ingress the outer 802.1Q tag, wherever it is (hardware-accelerated
 * field or in the payload), is removed from the skb and remembered; the
 * frame then travels untagged through the bridge and each output puts the
 * tag its port needs back into the accelerated field, which the stack
 * inserts in software when the egress device cannot (GSO included).
 */
#include "flowbr.h"
#include "vlan.h"

struct flowbr_vlan_cfg *flowbr_vlan_cfg_new(u8 mode, u16 tag,
					     const unsigned long *trunks,
					     bool all, gfp_t gfp)
{
	struct flowbr_vlan_cfg *cfg = kzalloc(sizeof(*cfg), gfp);

	if (!cfg)
		return NULL;
	cfg->mode = mode;
	cfg->tag = tag;
	cfg->all = all;
	if (trunks && !all)
		bitmap_copy(cfg->trunks, trunks, VLAN_N_VID);
	/* The native VLAN is always trunked. */
	if (mode == FLOWBR_VLAN_NATIVE_TAGGED ||
	    mode == FLOWBR_VLAN_NATIVE_UNTAGGED)
		if (!cfg->all && tag)
			set_bit(tag, cfg->trunks);
	return cfg;
}

int flowbr_vlan_cfg_check(const struct flowbr_vlan_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	switch (cfg->mode) {
	case FLOWBR_VLAN_ACCESS:
		if (!cfg->tag) {
			NL_SET_ERR_MSG_MOD(extack,
					   "An access port needs a tag (1-4094)");
			return -EINVAL;
		}
		if (!cfg->all || !bitmap_empty(cfg->trunks, VLAN_N_VID)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "An access port cannot have trunks: use vlan_mode native-untagged or native-tagged");
			return -EINVAL;
		}
		break;
	case FLOWBR_VLAN_TRUNK:
		if (cfg->tag) {
			NL_SET_ERR_MSG_MOD(extack,
					   "A trunk port has no tag: use vlan_mode native-untagged or native-tagged for a native VLAN");
			return -EINVAL;
		}
		break;
	case FLOWBR_VLAN_NATIVE_TAGGED:
	case FLOWBR_VLAN_NATIVE_UNTAGGED:
		if (!cfg->tag) {
			NL_SET_ERR_MSG_MOD(extack,
					   "A native-tagged or native-untagged port needs a tag (its native VLAN, 1-4094)");
			return -EINVAL;
		}
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "Unknown VLAN mode");
		return -EINVAL;
	}
	if (cfg->tag > FLOWBR_VID_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "VLAN 4095 is reserved: use 1-4094");
		return -EINVAL;
	}
	return 0;
}

bool flowbr_vlan_cfg_equal(const struct flowbr_vlan_cfg *a,
			   const struct flowbr_vlan_cfg *b)
{
	return a->mode == b->mode && a->tag == b->tag && a->all == b->all &&
	       bitmap_equal(a->trunks, b->trunks, VLAN_N_VID);
}

/*
 * Does a port carry @vlan, and how must a frame of that VLAN leave it?
 * VLAN 0 (the untagged domain) is carried by trunk ports only.
 */
bool flowbr_vlan_egress(const struct flowbr_vlan_cfg *cfg, u16 vlan,
			struct flowbr_output *out)
{
	out->vid = 0;
	out->op = FLOWBR_TAG_UNTAGGED;

	switch (cfg->mode) {
	case FLOWBR_VLAN_ACCESS:
		return vlan == cfg->tag;
	case FLOWBR_VLAN_TRUNK:
		if (vlan == FLOWBR_VLAN_UNTAGGED)
			return true;
		break;
	case FLOWBR_VLAN_NATIVE_UNTAGGED:
		if (vlan == cfg->tag)
			return true;
		fallthrough;
	case FLOWBR_VLAN_NATIVE_TAGGED:
		if (vlan == FLOWBR_VLAN_UNTAGGED)
			return false;
		break;
	default:
		return false;
	}
	if (!flowbr_trunks(cfg, vlan))
		return false;
	out->vid = vlan;
	out->op = FLOWBR_TAG_PUSH;
	return true;
}
