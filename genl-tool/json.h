/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a tiny streaming JSON writer for the tools' -j output. Values
 * inside an object take a key; values inside an array or at the top level
 * take key NULL. Commas are placed automatically.
 */
#ifndef FLOWBR_JSON_H
#define FLOWBR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool used[JSON_MAX_DEPTH];	/* a value was written at this depth */
};

void json_init(struct json *j, FILE *f);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* End the document with a newline and flush. */
void json_end(struct json *j);

#endif /* FLOWBR_JSON_H */
