// SPDX-License-Identifier: GPL-2.0
/*
 * flowbr: a VLAN-aware flow-cache bridge datapath for KVM hypervisors.
 *
 * Module init/exit and per-network-namespace state.
 */
#include <linux/module.h>

#include "flowbr.h"

unsigned int flowbr_net_id __read_mostly;
struct workqueue_struct *flowbr_wq;

static __net_init int flowbr_net_init(struct net *net)
{
	INIT_LIST_HEAD(&flowbr_pernet(net)->bridges);
	return 0;
}

/* A namespace (or the module) goes away: so do its bridges. */
static void __net_exit flowbr_net_exit_batch(struct list_head *net_list)
{
	struct flowbr_bridge *br, *tmp;
	struct net *net;
	LIST_HEAD(unreg);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		struct flowbr_net *fn = flowbr_pernet(net);

		list_for_each_entry_safe(br, tmp, &fn->bridges, node)
			flowbr_bridge_destroy(br, &unreg);
	}
	unregister_netdevice_many(&unreg);
	rtnl_unlock();
}

static struct pernet_operations flowbr_net_ops = {
	.init = flowbr_net_init,
	.exit_batch = flowbr_net_exit_batch,
	.id = &flowbr_net_id,
	.size = sizeof(struct flowbr_net),
};

static int __init flowbr_init(void)
{
	int err;

	err = flowbr_flow_cache_init();
	if (err)
		return err;
	flowbr_wq = alloc_workqueue("flowbr", 0, 0);
	if (!flowbr_wq) {
		err = -ENOMEM;
		goto err_cache;
	}
	err = register_pernet_device(&flowbr_net_ops);
	if (err)
		goto err_wq;
	err = flowbr_notifier_register();
	if (err)
		goto err_pernet;
	err = flowbr_upcall_register();
	if (err)
		goto err_notifier;
	err = flowbr_genl_register();
	if (err)
		goto err_upcall;
	pr_info("flowbr " FLOWBR_VERSION " loaded\n");
	return 0;

err_upcall:
	flowbr_upcall_unregister();
err_notifier:
	flowbr_notifier_unregister();
err_pernet:
	unregister_pernet_device(&flowbr_net_ops);
err_wq:
	destroy_workqueue(flowbr_wq);
err_cache:
	flowbr_flow_cache_exit();
	return err;
}

static void __exit flowbr_exit(void)
{
	/* No new command can start; then every bridge of every netns goes. */
	flowbr_genl_unregister();
	flowbr_upcall_unregister();
	unregister_pernet_device(&flowbr_net_ops);
	flowbr_notifier_unregister();
	rcu_barrier();
	destroy_workqueue(flowbr_wq);
	flowbr_flow_cache_exit();
}

module_init(flowbr_init);
module_exit(flowbr_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The flowbr developers");
MODULE_DESCRIPTION("VLAN-aware flow-cache bridge datapath for KVM hypervisors");
MODULE_VERSION(FLOWBR_VERSION);
MODULE_ALIAS_GENL_FAMILY(FLOWBR_GENL_NAME);
