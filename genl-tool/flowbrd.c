// SPDX-License-Identifier: GPL-2.0
/*
 * flowbrd - the flowbr userspace agent: VLAN-aware MAC learning for the
 * bridges of its network namespace. It registers handler sockets with
 * every bridge, learns from the misses the kernel upcalls, installs exact-
 * match flows and executes the missed packets, expires idle flows and
 * revalidates flows when MACs or ports change. See Documentation/agent.md.
 *
 * This file: options, start-up and shutdown, signals, and the main loop
 * that follows the module's event multicast group.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "agent_proto.h"
#include "parse.h"

#ifndef VERSION
#define VERSION "0.0.0"
#endif

#define DEFAULT_MAC_AGING_MS	(300 * 1000)
#define DEFAULT_FDB_LIMIT	8192
#define MAX_FDB_LIMIT		(1u << 20)
#define DEFAULT_MAX_IDLE_MS	(10 * 1000)
#define DEFAULT_QUEUE_LIMIT_MB	64
#define MAX_QUEUE_LIMIT_MB	4096
#define MAX_TIME_MS		(24ULL * 3600 * 1000)
#define EVENT_RCVBUF		(8 * 1024 * 1024)

struct agent agent = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.stop_fd = -1,
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS]\n"
"The flowbr agent: MAC learning switching for every flowbr bridge of this\n"
"network namespace. Runs in the foreground (for systemd) unless --detach.\n"
"\n"
"Options:\n"
"  --handlers N          upcall handler threads (default: one per online CPU)\n"
"  --mac-aging TIME      forget MACs not seen for TIME (default 300s)\n"
"  --fdb-limit N         MACs per bridge, oldest evicted (default 8192)\n"
"  --max-idle TIME       delete flows idle for TIME (default 10s)\n"
"  --queue-limit MIB     upcalls each handler may hold, in MiB, before it\n"
"                        drops the oldest of the busiest port (default 64)\n"
"  --reval-interval TIME time between flow revalidation passes\n"
"                        (default: half the smaller of max-idle and\n"
"                        mac-aging, 100ms to 1s)\n"
"  --flush               flush the flows found at start instead of\n"
"                        adopting them\n"
"  --ctl PATH            control socket (default %s, or $%s)\n"
"  --detach              run in the background once started\n"
"  --pidfile PATH        write the process id to PATH\n"
"  -v, --verbose         debug messages\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"TIME is a number of seconds, or a number with the unit ms or s (e.g. 500ms).\n"
"Query it with 'flowbr fdb-show BR', 'flowbr fdb-flush BR' and\n"
"'flowbr agent-stats'.\n",
		AGENT_NAME, AGENT_CTL_PATH, AGENT_CTL_ENV);
}

/* ---- option parsing ---- */

static int opt_err(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "%s: invalid value '%s' for %s: %s (see '%s --help')\n",
		AGENT_NAME, val, opt, want, AGENT_NAME);
	return -1;
}

/* A decimal number: digits only, no sign or spaces, within min..max. */
static int parse_num(const char *opt, const char *val, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *e;

	if (!val[0] || val[0] < '0' || val[0] > '9')
		return opt_err(opt, val, "expected a number");
	errno = 0;
	v = strtoull(val, &e, 10);
	if (errno == ERANGE)
		return opt_err(opt, val, "number too large");
	if (*e)
		return opt_err(opt, val, "expected a number (digits only)");
	if (v < min || v > max) {
		char want[96];

		snprintf(want, sizeof(want), "must be %llu to %llu", min, max);
		return opt_err(opt, val, want);
	}
	*out = v;
	return 0;
}

/* TIME (parse_ms(): "10", "10s", "500ms", "5m"), min_ms..MAX_TIME_MS. */
static int parse_time(const char *opt, const char *val, uint64_t min_ms,
		      uint64_t *out)
{
	struct perr e;

	if (!parse_ms(opt, val, min_ms, MAX_TIME_MS, out, &e))
		return 0;
	fprintf(stderr, "%s: %s (see '%s --help')\n", AGENT_NAME, e.msg,
		AGENT_NAME);
	return -1;
}

/* Returns 0 to run, 1 to exit successfully (help), -1 on error. */
static int parse_args(int argc, char **argv, struct agent_config *cfg)
{
	unsigned long long n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t reval = 0;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->handlers = cpus < 1 ? 1 : cpus > FLOWBR_MAX_HANDLERS ?
			FLOWBR_MAX_HANDLERS : (unsigned int)cpus;
	cfg->mac_aging_ms = DEFAULT_MAC_AGING_MS;
	cfg->fdb_limit = DEFAULT_FDB_LIMIT;
	cfg->max_idle_ms = DEFAULT_MAX_IDLE_MS;
	cfg->queue_limit = (size_t)DEFAULT_QUEUE_LIMIT_MB << 20;
	cfg->ctl_path = getenv(AGENT_CTL_ENV);
	if (!cfg->ctl_path || !cfg->ctl_path[0])
		cfg->ctl_path = AGENT_CTL_PATH;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		char name[32];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
			printf("%s %s\n", AGENT_NAME, VERSION);
			return 1;
		}
		if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
			cfg->verbose++;
			continue;
		}
		if (!strcmp(arg, "--detach")) {
			cfg->detach = true;
			continue;
		}
		if (!strcmp(arg, "--flush")) {
			cfg->flush_on_start = true;
			continue;
		}
		if (strncmp(arg, "--", 2)) {
			fprintf(stderr, "%s: unexpected argument '%s' (see "
				"'%s --help')\n", AGENT_NAME, arg, AGENT_NAME);
			return -1;
		}
		/* --name=value or --name value */
		eq = strchr(arg, '=');
		if (eq) {
			if ((size_t)(eq - arg) >= sizeof(name))
				goto unknown;
			memcpy(name, arg, eq - arg);
			name[eq - arg] = '\0';
			val = eq + 1;
		} else {
			if (strlen(arg) >= sizeof(name))
				goto unknown;
			strcpy(name, arg);
		}
		if (strcmp(name, "--handlers") && strcmp(name, "--mac-aging") &&
		    strcmp(name, "--fdb-limit") && strcmp(name, "--max-idle") &&
		    strcmp(name, "--reval-interval") && strcmp(name, "--ctl") &&
		    strcmp(name, "--pidfile") && strcmp(name, "--queue-limit"))
			goto unknown;
		if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: %s needs a value (see '%s "
					"--help')\n", AGENT_NAME, name,
					AGENT_NAME);
				return -1;
			}
			val = argv[++i];
		}
		if (!strcmp(name, "--handlers")) {
			if (parse_num(name, val, 1, FLOWBR_MAX_HANDLERS, &n))
				return -1;
			cfg->handlers = n;
		} else if (!strcmp(name, "--mac-aging")) {
			if (parse_time(name, val, 100, &cfg->mac_aging_ms))
				return -1;
		} else if (!strcmp(name, "--fdb-limit")) {
			if (parse_num(name, val, 1, MAX_FDB_LIMIT, &n))
				return -1;
			cfg->fdb_limit = n;
		} else if (!strcmp(name, "--max-idle")) {
			if (parse_time(name, val, 100, &cfg->max_idle_ms))
				return -1;
		} else if (!strcmp(name, "--queue-limit")) {
			if (parse_num(name, val, 1, MAX_QUEUE_LIMIT_MB, &n))
				return -1;
			cfg->queue_limit = (size_t)n << 20;
		} else if (!strcmp(name, "--reval-interval")) {
			if (parse_time(name, val, 10, &reval))
				return -1;
		} else if (!strcmp(name, "--ctl")) {
			if (!val[0] || strlen(val) >= 108)
				return opt_err(name, val, "expected a socket "
					       "path of 1 to 107 bytes");
			cfg->ctl_path = val;
		} else {
			if (!val[0])
				return opt_err(name, val, "expected a path");
			cfg->pidfile = val;
		}
		continue;
unknown:
		fprintf(stderr, "%s: unknown option '%s' (see '%s --help')\n",
			AGENT_NAME, arg, AGENT_NAME);
		return -1;
	}
	if (!reval) {
		reval = (cfg->max_idle_ms < cfg->mac_aging_ms ?
			 cfg->max_idle_ms : cfg->mac_aging_ms) / 2;
		if (reval < 100)
			reval = 100;
		if (reval > 1000)
			reval = 1000;
	}
	cfg->reval_interval_ms = reval;
	return 0;
}

/* ---- daemon ---- */

/*
 * Fork into the background. The parent waits for the child to say that it
 * started (one byte on @fd[0]: 0 = running) and exits with that status.
 */
static int detach(int *ready_fd)
{
	int fds[2], devnull;
	unsigned char status = 1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		alog(LOG_ERR, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		alog(LOG_ERR, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		while (read(fds[0], &status, 1) < 0 && errno == EINTR)
			;
		_exit(status);
	}
	close(fds[0]);
	*ready_fd = fds[1];
	setsid();
	if (chdir("/"))
		alog(LOG_WARN, "chdir /: %s", strerror(errno));
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		/* stderr stays: the log goes wherever the caller sent it. */
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return 0;
}

static void ready(int *ready_fd, unsigned char status)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, &status, 1) < 0)
		alog(LOG_WARN, "cannot notify the parent: %s", strerror(errno));
	close(*ready_fd);
	*ready_fd = -1;
}

static bool pidfile_written;

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");
	int err = 0;

	/* fclose() once whatever happened: a second one is undefined. */
	if (!f) {
		err = errno;
	} else {
		errno = 0;
		if (fprintf(f, "%ld\n", (long)getpid()) < 0)
			err = errno ? errno : EIO;
	}
	if (f && fclose(f) && !err)
		err = errno;
	if (err) {
		alog(LOG_ERR, "cannot write pid file %s: %s", path,
		     strerror(err));
		return -1;
	}
	pidfile_written = true;
	return 0;
}

/* ---- main loop ---- */

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) >= 0)
		fbnl_get_u32(tb[FLOWBR_A_FEATURES], data);
	return MNL_CB_OK;
}

/* What the module can do (an older one lacks the later FLOWBR_F_* bits). */
static int query_features(struct fbnl *nl)
{
	int err;

	agent.features = 0;
	err = fbnl_talk(nl, fbnl_req(nl, FLOWBR_CMD_GET_INFO, 0), info_cb,
			&agent.features);
	if (err)
		alog(LOG_ERR, "cannot read the module's features: %s%s%s",
		     strerror(-err), nl->ext_msg[0] ? ": " : "", nl->ext_msg);
	else if (!(agent.features & FLOWBR_F_DUMP_IDLE))
		alog(LOG_INFO, "the module cannot dump idle flows only: every "
		     "revalidation pass reads the whole flow table");
	return err;
}

/* The module was unloaded: its family (and every bridge) is gone. */
static bool family_gone;

static int ev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	uint16_t id;

	if (nlh->nlmsg_type == agent.family) {
		bridges_handle_event(data, nlh);
	} else if (nlh->nlmsg_type == GENL_ID_CTRL &&
		   fbnl_cmd(nlh) == CTRL_CMD_DELFAMILY &&
		   fbnl_parse(nlh, tb, CTRL_ATTR_MAX) >= 0 &&
		   fbnl_get_u16(tb[CTRL_ATTR_FAMILY_ID], &id) &&
		   id == agent.family) {
		family_gone = true;
	}
	return MNL_CB_OK;
}

/*
 * Follow the generic netlink controller's notifications on @ev too, to
 * notice rmmod: nothing else tells (the handler sockets just go quiet, and
 * a reloaded module gets a new family id and new bridges).
 */
static int join_ctrl_notify(struct fbnl *ev)
{
	struct fbnl ctrl = { 0 };
	int id, err;

	err = fbnl_open(&ctrl, "nlctrl", 2);
	if (err)
		return err;
	id = fbnl_group_id(&ctrl, "notify");
	fbnl_close(&ctrl);
	if (id < 0)
		return id;
	if (mnl_socket_setsockopt(ev->sock, NETLINK_ADD_MEMBERSHIP, &id,
				  sizeof(id)) < 0)
		return -errno;
	return 0;
}

/* Returns false when it is time to stop. */
static bool main_loop(struct fbnl *req, struct fbnl *ev, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = fbnl_fd(ev), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	bool resync = false;
	int r;

	if (poll(pfd, 2, -1) < 0)
		return errno == EINTR;
	if (pfd[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			alog(LOG_INFO, "SIGHUP: resynchronizing");
			resync = true;
		} else {
			alog(LOG_INFO, "%s: stopping",
			     si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
			return false;
		}
	}
	if (pfd[0].revents) {
		for (;;) {
			r = fbnl_recv(ev, ev_cb, req);
			if (r == -ENOBUFS) {
				/* Events were lost: start from the kernel's
				 * state again. */
				STAT_INC(event_overruns);
				LOG_RL(LOG_WARN, "event socket overrun: "
				       "resynchronizing");
				resync = true;
				continue;
			}
			if (r < 0)
				break;
		}
		if (family_gone) {
			alog(LOG_ERR, "the flowbr module was unloaded: "
			     "stopping (start flowbrd again once it is "
			     "loaded)");
			return false;
		}
	}
	if (resync)
		bridges_sync(req);
	return true;
}

static int setup_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Before any thread starts: they inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int main(int argc, char **argv)
{
	struct fbnl req = { 0 }, ev = { 0 };
	int ready_fd = -1, sfd = -1, ret = 1, err;
	uint64_t one = 1;

	err = parse_args(argc, argv, &agent.cfg);
	if (err)
		return err > 0 ? 0 : 1;
	agent.start_ms = now_ms();

	err = fbnl_open(&req, FLOWBR_GENL_NAME, FLOWBR_GENL_VERSION);
	if (err == -ENOENT) {
		alog(LOG_ERR, "the flowbr kernel module is not loaded (no "
		     "generic netlink family '%s'): load it with 'modprobe "
		     "flowbr'", FLOWBR_GENL_NAME);
		return 1;
	}
	if (err) {
		alog(LOG_ERR, "cannot query generic netlink: %s",
		     strerror(-err));
		return 1;
	}
	agent.family = req.family;
	agent.version = FLOWBR_GENL_VERSION;
	if (query_features(&req))
		return 1;

	if (agent.cfg.detach && detach(&ready_fd))
		goto out;
	sfd = setup_signals();
	if (sfd < 0) {
		alog(LOG_ERR, "cannot set up signals: %s", strerror(errno));
		goto out;
	}
	agent.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (agent.stop_fd < 0) {
		alog(LOG_ERR, "eventfd: %s", strerror(errno));
		goto out;
	}
	/* Subscribe before the first dump: nothing falls in between. */
	err = fbnl_open(&ev, FLOWBR_GENL_NAME, FLOWBR_GENL_VERSION);
	if (!err)
		err = fbnl_join_group(&ev, FLOWBR_MCGRP_EVENTS);
	if (!err)
		err = join_ctrl_notify(&ev);
	if (err) {
		alog(LOG_ERR, "cannot join the '%s' multicast group: %s",
		     FLOWBR_MCGRP_EVENTS, strerror(-err));
		goto out;
	}
	sock_tune(fbnl_fd(&ev), EVENT_RCVBUF, 0, false);
	fcntl(fbnl_fd(&ev), F_SETFL, fcntl(fbnl_fd(&ev), F_GETFL) | O_NONBLOCK);

	if (ctl_start())
		goto out;
	if (agent.cfg.pidfile && write_pidfile(agent.cfg.pidfile))
		goto out;
	if (reval_start() || handlers_start()) {
		alog(LOG_ERR, "cannot start the agent's threads");
		goto stop;
	}
	if (bridges_sync(&req))
		goto stop;

	alog(LOG_INFO, "started: %u handler%s, mac-aging %llums, fdb-limit "
	     "%u, max-idle %llums, queue-limit %zuMiB, control socket %s",
	     agent.cfg.handlers, agent.cfg.handlers == 1 ? "" : "s",
	     (unsigned long long)agent.cfg.mac_aging_ms, agent.cfg.fdb_limit,
	     (unsigned long long)agent.cfg.max_idle_ms,
	     agent.cfg.queue_limit >> 20, agent.cfg.ctl_path);
	ready(&ready_fd, 0);

	while (main_loop(&req, &ev, sfd))
		;
	ret = 0;
	/* Misses take the kernel's miss policy from now on; flows stay. */
	if (!family_gone)
		bridges_register_all(&req, false);
stop:
	agent.stopping = 1;
	if (write(agent.stop_fd, &one, sizeof(one)) < 0)
		alog(LOG_WARN, "cannot wake the threads: %s", strerror(errno));
	reval_stop();
	handlers_stop();
out:
	ctl_stop();
	bridges_free();
	if (pidfile_written)
		unlink(agent.cfg.pidfile);
	if (ev.sock)
		fbnl_close(&ev);
	if (req.sock)
		fbnl_close(&req);
	if (agent.stop_fd >= 0)
		close(agent.stop_fd);
	if (sfd >= 0)
		close(sfd);
	ready(&ready_fd, ret ? 1 : 0);
	if (ret == 0)
		alog(LOG_INFO, "stopped");
	return ret;
}
