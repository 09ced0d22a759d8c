// SPDX-License-Identifier: GPL-2.0
/*
 * persist.c - save and restore: the bridges and ports, as flowbr commands
 * in /etc/flowbr/flowbr.conf.
 *
 *   add-br solbr
 *   add-port solbr eth0 port_no=1 vlan_mode=trunk
 *   add-port solbr vnet100 port_no=2 type=internal vlan_mode=access tag=100 \
 *            mac=5e:55:9f:41:64:06      (one line)
 *
 * The CLI rewrites the file after each successful bridge or port change
 * (like ovsdb keeps ovs-vsctl's changes); 'flowbr restore' runs it at boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "persist.h"

#define MAX_WORDS 16

const char *persist_path(void)
{
	const char *p = getenv("FLOWBR_CONF");

	return p && *p ? p : FLOWBR_CONF_DEFAULT;
}

/* Is this process in init's network namespace? */
static bool init_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) || stat("/proc/1/ns/net", &init))
		return false;
	return self.st_dev == init.st_dev && self.st_ino == init.st_ino;
}

char *persist_vlan_list(const uint8_t *bitmap)
{
	char *s = format_vlan_list(bitmap), *r, *w;

	if (!s)
		return NULL;
	for (r = w = s; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = '\0';
	return s;
}

static bool any_vlan(const uint8_t *bitmap)
{
	size_t i;

	for (i = 0; i < FLOWBR_VLAN_BITMAP_LEN; i++)
		if (bitmap[i])
			return true;
	return false;
}

/*
 * " mac=..." of a device flowbr creates (bridge, internal port): the host
 * keeps its MAC across reboots (neighbours' ARP caches, DHCP, netplan
 * matches stay right).
 */
static void put_mac(FILE *f, const char *dev)
{
	char path[64], mac[32] = "";
	FILE *m;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	m = fopen(path, "r");
	if (!m)
		return;
	if (fgets(mac, sizeof(mac), m)) {
		mac[strcspn(mac, "\n")] = '\0';
		if (strlen(mac) == 17)
			fprintf(f, " mac=%s", mac);
	}
	fclose(m);
}

static int write_ports(struct cli *c, FILE *f, const char *br)
{
	struct fb_port *ports;
	size_t n, i;

	if (cli_load_ports(c, br, &ports, &n))
		return 1;
	for (i = 0; i < n; i++) {
		const struct fb_port *p = &ports[i];

		if (p->port_no == 0)	/* the local port comes with add-br */
			continue;
		fprintf(f, "add-port %s %s port_no=%u", br, p->name,
			p->port_no);
		if (p->type == FLOWBR_PORT_INTERNAL)
			fprintf(f, " type=internal");
		fprintf(f, " vlan_mode=%s", vlan_mode_name(p->vlan_mode));
		if (p->tag)
			fprintf(f, " tag=%u", p->tag);
		if (any_vlan(p->trunks)) {
			char *t = persist_vlan_list(p->trunks);

			if (!t) {
				free(ports);
				return cli_err(c, "out of memory");
			}
			fprintf(f, " trunks=%s", t);
			free(t);
		}
		if (p->type == FLOWBR_PORT_INTERNAL)
			put_mac(f, p->name);
		fputc('\n', f);
	}
	free(ports);
	return 0;
}

int persist_write(struct cli *c, FILE *f)
{
	struct fb_br *brs;
	size_t n, i;
	int ret = 0;

	if (cli_load_bridges(c, NULL, &brs, &n))
		return 1;
	fprintf(f, "# flowbr bridges and ports, written by flowbr after every "
		"change.\n# 'flowbr restore' (flowbr.service) creates them at "
		"boot. One flowbr command\n# per line: add-br, add-port.\n");
	for (i = 0; i < n && !ret; i++) {
		const struct fb_br *b = &brs[i];

		fprintf(f, "add-br %s", b->name);
		if (b->flow_limit != FLOWBR_DEFAULT_FLOW_LIMIT)
			fprintf(f, " flow_limit=%u", b->flow_limit);
		if (b->miss_policy != FLOWBR_MISS_FLOOD)
			fprintf(f, " miss_policy=%s",
				miss_policy_name(b->miss_policy));
		if (b->upcall_queue != FLOWBR_DEFAULT_UPCALL_QUEUE)
			fprintf(f, " upcall_queue=%u", b->upcall_queue);
		if (b->upcall_rate != FLOWBR_DEFAULT_UPCALL_RATE)
			fprintf(f, " upcall_rate=%u", b->upcall_rate);
		put_mac(f, b->name);
		fputc('\n', f);
		ret = write_ports(c, f, b->name);
	}
	cli_free_bridges(brs, n);
	return ret;
}

static int mkdir_parent(const char *path)
{
	char dir[PATH_MAX], *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Write the configuration to @path through a temporary file and rename. */
static int save_to(struct cli *c, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return cli_err(c, "%s: path too long", path);
	f = fopen(tmp, "w");
	if (!f)
		return cli_err(c, "cannot write %s: %s", tmp, strerror(errno));
	if (persist_write(c, f)) {
		fclose(f);
		unlink(tmp);
		return 1;
	}
	err = fflush(f) || fsync(fileno(f)) ? errno : 0;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		unlink(tmp);
		return cli_err(c, "cannot write %s: %s", path, strerror(err));
	}
	return 0;
}

/* Lock @path's ".lock" file; returns its fd or -errno. */
static int lock_conf(const char *path)
{
	char lock[PATH_MAX];
	int fd;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >=
	    (int)sizeof(lock))
		return -ENAMETOOLONG;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void persist_save(struct cli *c)
{
	const char *path = persist_path();
	const char *cmd = c->cmd;
	int fd, err;

	if (getenv("FLOWBR_NO_SAVE") || !init_netns())
		return;
	err = mkdir_parent(path);
	fd = err ? err : lock_conf(path);
	if (fd < 0) {
		cli_warn(c, "the change is live but not saved: %s: %s",
			 path, strerror(-fd));
		return;
	}
	/* Reads the state after taking the lock: the last writer wins. */
	c->cmd = "save";
	if (save_to(c, path))
		fprintf(stderr, "%s: warning: the change is live but will not "
			"survive a reboot (see above)\n", PROG);
	c->cmd = cmd;
	close(fd);
}

int cmd_save(struct cli *c, int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : persist_path();
	int fd, ret, err;

	if (argc > 1)
		return cli_usage(c, "too many arguments");
	if (!strcmp(path, "-"))
		return persist_write(c, stdout);
	err = mkdir_parent(path);
	fd = err ? err : lock_conf(path);
	if (fd < 0)
		return cli_err(c, "%s: %s", path, strerror(-fd));
	ret = save_to(c, path);
	close(fd);
	if (!ret && !c->json)
		printf("saved to %s\n", path);
	return ret;
}

/* ---- restore ---- */

struct rstate {
	struct fb_br *brs;
	size_t n_brs;
	char br[IFNAMSIZ];	/* bridge whose ports are loaded */
	struct fb_port *ports;
	size_t n_ports;
};

static bool br_known(const struct rstate *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_brs; i++)
		if (!strcmp(s->brs[i].name, name))
			return true;
	return false;
}

static const struct fb_port *port_known(struct cli *c, struct rstate *s,
					const char *br, const char *name)
{
	size_t i;

	if (strcmp(s->br, br)) {
		free(s->ports);
		s->ports = NULL;
		s->n_ports = 0;
		s->br[0] = '\0';
		if (!br_known(s, br) ||
		    cli_load_ports(c, br, &s->ports, &s->n_ports))
			return NULL;
		snprintf(s->br, sizeof(s->br), "%s", br);
	}
	for (i = 0; i < s->n_ports; i++)
		if (!strcmp(s->ports[i].name, name))
			return &s->ports[i];
	return NULL;
}

/* Set the MAC address of @dev over rtnetlink. 0 or -errno. */
static int set_mac(const char *dev, const uint8_t *mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	unsigned int seq = (unsigned int)time(NULL);
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)if_nametoindex(dev);
	if (!ifi->ifi_index) {
		ret = -ENODEV;
		goto out;
	}
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret >= 0)
		ret = mnl_cb_run(buf, ret, seq, mnl_socket_get_portid(nl),
				 NULL, NULL) < 0 ? -errno : 0;
	else
		ret = -errno;
out:
	mnl_socket_close(nl);
	return ret;
}

/*
 * Take "mac=..." out of the words (add-br/add-port do not know it) into
 * @mac; returns the new word count, -1 if the MAC is malformed.
 */
static int take_mac(char **w, int n, uint8_t *mac, bool *has)
{
	struct perr e;
	int i, k = 0;

	*has = false;
	for (i = 0; i < n; i++) {
		if (!strncmp(w[i], "mac=", 4)) {
			if (parse_mac("mac", w[i] + 4, mac, &e))
				return -1;
			*has = true;
			continue;
		}
		w[k++] = w[i];
	}
	return k;
}

static int restore_mac(struct cli *c, const char *dev, const uint8_t *mac)
{
	int err = set_mac(dev, mac);

	if (err)
		return cli_err(c, "cannot set the MAC address of %s: %s", dev,
			       strerror(-err));
	return 0;
}

/* Split @line into at most MAX_WORDS words in place. */
static int split_words(char *line, char **w)
{
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return -1;
		w[n++] = tok;
	}
	return n;
}

static bool has_key(char **w, int n, const char *key)
{
	size_t len = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(w[i], key, len) && w[i][len] == '=')
			return true;
	return false;
}

/*
 * One add-port line: add the port, or bring an existing one to the saved
 * VLAN settings. A netdev that does not exist (a VM's tap) is skipped.
 * Returns 0, 1 on error.
 */
static int restore_port(struct cli *c, struct rstate *s, char **w, int n)
{
	char *args[MAX_WORDS + 3];
	const struct fb_port *p;
	int i, k = 0;

	if (n < 3)
		return cli_usage(c, "add-port needs BR and PORT");
	p = port_known(c, s, w[1], w[2]);
	if (!p) {
		if (!has_key(w, n, "type") && !if_nametoindex(w[2])) {
			printf("%s: %s: no such device, skipped (a VM's port "
			       "comes back when the VM starts)\n", w[1], w[2]);
			return 0;
		}
		c->cmd = "add-port";
		return cmd_add_port(c, n - 1, w + 1);
	}
	/* Existing port: apply its VLAN settings (tag=/trunks= clear). */
	args[k++] = w[1];
	args[k++] = w[2];
	for (i = 3; i < n; i++)
		if (!strncmp(w[i], "vlan_mode=", 10) ||
		    !strncmp(w[i], "tag=", 4) || !strncmp(w[i], "trunks=", 7))
			args[k++] = w[i];
	if (!has_key(w, n, "tag"))
		args[k++] = "tag=";
	if (!has_key(w, n, "trunks"))
		args[k++] = "trunks=";
	c->cmd = "set-port";
	return cmd_set_port(c, k, args);
}

static int restore_line(struct cli *c, struct rstate *s, char *line)
{
	char *w[MAX_WORDS];
	int n = split_words(line, w);

	uint8_t mac[ETH_ALEN];
	bool has_mac;

	if (n < 0)
		return cli_err(c, "too many words");
	if (n == 0 || w[0][0] == '#')
		return 0;
	n = take_mac(w, n, mac, &has_mac);
	if (n < 0)
		return cli_err(c, "malformed mac=; e.g. mac=02:00:00:00:00:01");
	if (!strcmp(w[0], "add-br")) {
		if (n < 2)
			return cli_usage(c, "add-br needs a bridge name");
		if (br_known(s, w[1])) {
			if (n > 2) {
				c->cmd = "set-br";
				if (cmd_set_br(c, n - 1, w + 1))
					return 1;
			}
		} else {
			c->cmd = "add-br";
			if (cmd_add_br(c, n - 1, w + 1))
				return 1;
			cli_free_bridges(s->brs, s->n_brs);
			if (cli_load_bridges(c, NULL, &s->brs, &s->n_brs))
				return 1;
		}
		return has_mac ? restore_mac(c, w[1], mac) : 0;
	}
	if (!strcmp(w[0], "add-port")) {
		if (restore_port(c, s, w, n))
			return 1;
		if (has_mac && n >= 3 && has_key(w, n, "type") &&
		    if_nametoindex(w[2]))
			return restore_mac(c, w[2], mac);
		return 0;
	}
	return cli_err(c, "'%s' is not add-br or add-port", w[0]);
}

int cmd_restore(struct cli *c, int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : persist_path();
	struct rstate s = { 0 };
	char line[1024];
	unsigned int lineno = 0, failed = 0;
	FILE *f;

	if (argc > 1)
		return cli_usage(c, "too many arguments");
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		if (errno == ENOENT && argc == 0)
			return 0;	/* nothing saved yet */
		return cli_err(c, "cannot read %s: %s", path, strerror(errno));
	}
	if (cli_load_bridges(c, NULL, &s.brs, &s.n_brs)) {
		if (f != stdin)
			fclose(f);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			cli_err(c, "%s:%u: line too long", path, lineno);
			failed++;
			break;
		}
		if (restore_line(c, &s, line)) {
			c->cmd = "restore";
			cli_err(c, "%s:%u: not restored (see above)", path,
				lineno);
			failed++;
		}
		c->cmd = "restore";
	}
	if (f != stdin)
		fclose(f);
	cli_free_bridges(s.brs, s.n_brs);
	free(s.ports);
	return failed ? 1 : 0;
}
