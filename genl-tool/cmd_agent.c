// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_agent.c - fdb-show, fdb-flush and agent-stats: the CLI side of
 * flowbrd's control socket (see agent_proto.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent_proto.h"
#include "cli.h"
#include "cmd_agent.h"

static const char *ctl_path(void)
{
	const char *p = getenv(AGENT_CTL_ENV);

	return p && p[0] ? p : AGENT_CTL_PATH;
}

/*
 * Send @req to flowbrd and read the whole reply into *@out (malloc'ed,
 * NUL-terminated), its "ok" line removed. Prints the error and returns 1
 * on failure.
 */
static int agent_request(struct cli *c, const char *req, char **out)
{
	const char *path = ctl_path();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 30 };
	size_t len = 0, cap = 0;
	char *buf = NULL, *nl;
	ssize_t r;
	int fd;

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return cli_err(c, "control socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cli_err(c, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return cli_err(c, "flowbrd is not running (start it "
				       "with: flowbrd --detach)");
		if (e == EACCES || e == EPERM)
			return cli_err(c, "cannot reach flowbrd at %s: %s "
				       "(run it as root)", path, strerror(e));
		return cli_err(c, "cannot reach flowbrd at %s: %s", path,
			       strerror(e));
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		close(fd);
		return cli_err(c, "cannot send to flowbrd: %s", strerror(errno));
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		if (cap - len < 4096) {
			char *b = realloc(buf, cap + 65536);

			if (!b) {
				free(buf);
				close(fd);
				return cli_err(c, "out of memory");
			}
			buf = b;
			cap += 65536;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return cli_err(c, "no reply from flowbrd: %s",
				       e == EAGAIN ? "timed out" : strerror(e));
		}
		if (r == 0)
			break;
		len += r;
	}
	close(fd);
	buf[len] = '\0';
	nl = strchr(buf, '\n');
	if (!strncmp(buf, "ok\n", 3)) {
		memmove(buf, buf + 3, len - 2);
		*out = buf;
		return 0;
	}
	if (nl)
		*nl = '\0';
	if (!strncmp(buf, "error ", 6))
		cli_err(c, "%s", buf + 6);
	else
		cli_err(c, "unexpected reply from flowbrd: '%.80s'", buf);
	free(buf);
	return 1;
}

/* Split @s into lines in place; calls @fn for each non-empty line. */
static void for_each_line(char *s, void (*fn)(char *line, void *data),
			  void *data)
{
	char *save = NULL, *line;

	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fn(line, data);
}

/* -j after the subcommand too (flowbr fdb-show BR -j). */
static int take_json_flag(struct cli *c, int *argc, char **argv)
{
	int i, j = 0;

	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			c->json = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return 0;
}

/*
 * br_request: the request "CMD BR" for the one bridge named in ARGV (-j
 * taken anywhere), after checking that the bridge exists; the reply in *out.
 */
static int br_request(struct cli *c, int argc, char **argv, const char *cmd,
		      char **out)
{
	char req[AGENT_CTL_MAX_REQ];

	take_json_flag(c, &argc, argv);
	if (cli_br_args(c, argc, argv, 1))
		return 1;
	snprintf(req, sizeof(req), "%s %s\n", cmd, argv[0]);
	return agent_request(c, req, out);
}

/* ---- fdb-show ---- */

struct fdb_row {
	unsigned int vlan, port;
	unsigned long long age;
	char mac[18];
	char name[IFNAMSIZ];
};

struct fdb_rows {
	struct fdb_row *v;
	size_t n, cap;
	bool oom;
};

static void fdb_line(char *line, void *data)
{
	struct fdb_rows *rows = data;
	struct fdb_row r;

	if (sscanf(line, "mac %u %17s %u %15s %llu", &r.vlan, r.mac, &r.port,
		   r.name, &r.age) != 5)
		return;
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;
		struct fdb_row *v = realloc(rows->v, cap * sizeof(*v));

		if (!v) {
			rows->oom = true;
			return;
		}
		rows->v = v;
		rows->cap = cap;
	}
	rows->v[rows->n++] = r;
}

static int fdb_cmp(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;

	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return strcmp(x->mac, y->mac);
}

int cmd_fdb_show(struct cli *c, int argc, char **argv)
{
	struct fdb_rows rows = { 0 };
	char *reply;
	size_t i;

	if (br_request(c, argc, argv, "fdb-show", &reply))
		return 1;
	for_each_line(reply, fdb_line, &rows);
	free(reply);
	if (rows.oom) {
		free(rows.v);
		return cli_err(c, "out of memory");
	}
	if (rows.n > 1)
		qsort(rows.v, rows.n, sizeof(*rows.v), fdb_cmp);
	if (c->json) {
		json_arr_open(&c->jw, NULL);
		for (i = 0; i < rows.n; i++) {
			json_obj_open(&c->jw, NULL);
			json_u64(&c->jw, "port", rows.v[i].port);
			json_str(&c->jw, "port_name", rows.v[i].name);
			json_u64(&c->jw, "vlan", rows.v[i].vlan);
			json_str(&c->jw, "mac", rows.v[i].mac);
			json_u64(&c->jw, "age", rows.v[i].age);
			json_obj_close(&c->jw);
		}
		json_arr_close(&c->jw);
		json_end(&c->jw);
	} else {
		printf(" port  %-15s  VLAN  MAC                 Age\n", "name");
		for (i = 0; i < rows.n; i++)
			printf("%5u  %-15s  %4u  %s  %5llu\n", rows.v[i].port,
			       rows.v[i].name, rows.v[i].vlan, rows.v[i].mac,
			       rows.v[i].age);
	}
	free(rows.v);
	return 0;
}

/* ---- fdb-flush ---- */

int cmd_fdb_flush(struct cli *c, int argc, char **argv)
{
	unsigned long long macs = 0, flows = 0;
	char *reply;
	bool have;

	if (br_request(c, argc, argv, "fdb-flush", &reply))
		return 1;
	have = sscanf(reply, "flushed %llu %llu", &macs, &flows) == 2;
	free(reply);
	if (c->json) {
		json_obj_open(&c->jw, NULL);
		json_u64(&c->jw, "macs", macs);
		json_u64(&c->jw, "flows", flows);
		json_obj_close(&c->jw);
		json_end(&c->jw);
	} else if (have) {
		printf("%llu MACs and %llu flows flushed\n", macs, flows);
	}
	return 0;
}

/* ---- agent-stats ---- */

static const struct {
	const char *name, *help;
} agent_stats[] = {
#define X(name, help) { #name, help },
	AGENT_STATS(X)
#undef X
};

#define N_AGENT_STATS (sizeof(agent_stats) / sizeof(agent_stats[0]))

struct stats_out {
	struct cli *c;
	bool in_bridge;
	bool any_bridge;
	bool avgs_done;
	unsigned long long upcalls, batches, msgs, sends;
};

static void print_avgs(struct stats_out *so)
{
	if (so->avgs_done || so->c->json)
		return;
	so->avgs_done = true;
	if (so->batches)
		printf("  average upcalls per datagram: %.1f\n",
		       (double)so->upcalls / so->batches);
	if (so->sends)
		printf("  average requests per batch: %.1f\n",
		       (double)so->msgs / so->sends);
}

static const char *stat_help(const char *name)
{
	size_t i;

	for (i = 0; i < N_AGENT_STATS; i++)
		if (!strcmp(agent_stats[i].name, name))
			return agent_stats[i].help;
	return "";
}

static void stats_line(char *line, void *data)
{
	struct stats_out *so = data;
	struct json *j = &so->c->jw;
	char name[64], bname[IFNAMSIZ];
	unsigned long long v;

	if (sscanf(line, "bridge %15s", bname) == 1) {
		if (so->c->json) {
			if (so->in_bridge)
				json_obj_close(j);
			else
				json_arr_open(j, "bridges");
			json_obj_open(j, NULL);
			json_str(j, "name", bname);
		} else {
			print_avgs(so);
			printf("bridge %s:\n", bname);
		}
		so->in_bridge = so->any_bridge = true;
		return;
	}
	if (sscanf(line, "stat %63s %llu", name, &v) != 2)
		return;
	if (!strcmp(name, "upcalls") && !so->in_bridge)
		so->upcalls = v;
	else if (!strcmp(name, "upcall_batches"))
		so->batches = v;
	else if (!strcmp(name, "tx_msgs"))
		so->msgs = v;
	else if (!strcmp(name, "tx_batches"))
		so->sends = v;
	if (so->c->json) {
		if (!strcmp(name, "registered"))
			json_bool(j, name, v);
		else
			json_u64(j, name, v);
	} else if (so->in_bridge) {
		printf("  %-22s %12llu\n", name, v);
	} else {
		printf("  %-22s %12llu  %s\n", name, v, stat_help(name));
	}
}

int cmd_agent_stats(struct cli *c, int argc, char **argv)
{
	struct stats_out so = { .c = c };
	char *reply;

	take_json_flag(c, &argc, argv);
	if (argc > 0)
		return cli_usage(c, "too many arguments");
	if (agent_request(c, "stats\n", &reply))
		return 1;
	if (c->json) {
		json_obj_open(&c->jw, NULL);
	} else {
		printf("flowbrd:\n");
	}
	for_each_line(reply, stats_line, &so);
	free(reply);
	if (c->json) {
		if (so.in_bridge)
			json_obj_close(&c->jw);
		if (!so.any_bridge)
			json_arr_open(&c->jw, "bridges");
		json_arr_close(&c->jw);
		json_obj_close(&c->jw);
		json_end(&c->jw);
		return 0;
	}
	print_avgs(&so);
	return 0;
}
