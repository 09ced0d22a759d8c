// SPDX-License-Identifier: GPL-2.0
/*
 * vsctl_ids.c - 'flowbr vsctl': key=value maps (external_ids, other_config,
 * statistics) and the external_ids store: one file per interface in
 * /run/flowbr/external-ids (or $FLOWBR_IDS_DIR), since the kernel keeps
 * no such data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsctl.h"

#define IDS_DIR "/run/flowbr/external-ids"

const char *vs_map_get(const struct vs_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].key, key))
			return m->v[i].val;
	return NULL;
}

void vs_map_del(struct vs_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].key, key))
			continue;
		free(m->v[i].key);
		free(m->v[i].val);
		memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
		m->n--;
		return;
	}
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vs_kv *)a)->key,
		      ((const struct vs_kv *)b)->key);
}

int vs_map_set(struct vs_map *m, const char *key, const char *val)
{
	struct vs_kv *v;
	char *k, *d;

	vs_map_del(m, key);
	k = strdup(key);
	d = strdup(val);
	v = k && d ? realloc(m->v, (m->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(k);
		free(d);
		return -1;
	}
	m->v = v;
	m->v[m->n++] = (struct vs_kv){ k, d };
	qsort(m->v, m->n, sizeof(*m->v), kv_cmp);
	return 0;
}

void vs_map_free(struct vs_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static const char *ids_dir(void)
{
	const char *d = getenv("FLOWBR_IDS_DIR");

	return d && *d ? d : IDS_DIR;
}

/* The file holds KEY=VALUE lines (a value has no newline). */
int vs_ids_load(const char *iface, struct vs_map *m)
{
	char path[256], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ids_dir(), iface);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq)
			continue;
		*eq = '\0';
		if (vs_map_set(m, line, eq + 1))
			break;
	}
	fclose(f);
	return 0;
}

int vs_ids_store(const char *iface, const struct vs_map *m)
{
	char path[256], tmp[280];
	size_t i;
	FILE *f;

	if (!m->n) {
		vs_ids_remove(iface);
		return 0;
	}
	if (mkdir("/run/flowbr", 0755) && errno != EEXIST &&
	    !getenv("FLOWBR_IDS_DIR"))
		return -1;
	if (mkdir(ids_dir(), 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", ids_dir(), iface);
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	for (i = 0; i < m->n; i++)
		if (!strchr(m->v[i].key, '\n') && !strchr(m->v[i].val, '\n') &&
		    !strchr(m->v[i].key, '='))
			fprintf(f, "%s=%s\n", m->v[i].key, m->v[i].val);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

void vs_ids_remove(const char *iface)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", ids_dir(), iface);
	unlink(path);
}
