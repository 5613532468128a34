/* table.c — builds the command table from commands.def and looks names up.
 *
 * Thread: cmd_setup on the main thread before shards start; lookups from any
 * thread (the table and its index are immutable afterwards).
 */
#include <petrel/cmd.h>
#include <petrel/alloc.h>
#include <petrel/shard.h>

#include <ctype.h>
#include <string.h>

/* Declarations of every handler, getkeys and route function named in the table. */
#define CMD(name, fn, arity, flags, first, last, step, acl, gk, rt) void fn(struct cmd_ctx *c);
#include "commands.def"
#undef CMD
int getkeys_object(int argc, const struct resp_arg *argv, int *keys, int max);
/* list/hash getkeys */
int getkeys_lmpop(int argc, const struct resp_arg *argv, int *keys, int max);
/* set/zset getkeys */
int getkeys_numkeys1(int argc, const struct resp_arg *argv, int *keys, int max);
int getkeys_store_numkeys2(int argc, const struct resp_arg *argv, int *keys, int max);
/* end set/zset getkeys */
/* stream getkeys */
int getkeys_xread(int argc, const struct resp_arg *argv, int *keys, int max);
/* end stream getkeys */
int route_scan(int argc, const struct resp_arg *argv);
int route_info(int argc, const struct resp_arg *argv);
int getkeys_bmpop(int argc, const struct resp_arg *argv, int *keys, int max);
int route_client(int argc, const struct resp_arg *argv);
int route_config(int argc, const struct resp_arg *argv);
int route_debug(int argc, const struct resp_arg *argv);
/* Pub/Sub routes (cmd_pubsub.c) */
int route_pubsub_local(int argc, const struct resp_arg *argv);
int route_publish(int argc, const struct resp_arg *argv);
int route_spublish(int argc, const struct resp_arg *argv);
/* SORT getkeys/route (t_sort.c) */
int getkeys_sort(int argc, const struct resp_arg *argv, int *keys, int max);
int getkeys_sort_ro(int argc, const struct resp_arg *argv, int *keys, int max);
int route_sort(int argc, const struct resp_arg *argv);
/* end SORT getkeys/route */
int getkeys_georadius(int argc, const struct resp_arg *argv, int *keys, int max);
int getkeys_georadiusbymember(int argc, const struct resp_arg *argv, int *keys, int max);

const struct cmd_def cmd_table[] = {
#define CMD(name, fn, arity, flags, first, last, step, acl, gk, rt) \
	{name, fn, arity, flags, first, last, step, acl, gk, rt},
#include "commands.def"
#undef CMD
};
const int cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

void keyspecs_setup(void);

/* Open-addressing index over lowercase names; 4x the table size. */
#define INDEX_SIZE 2048
static short name_index[INDEX_SIZE];
static uint8_t *is_container;   /* per entry: has "name|sub" entries */
static struct cmd_stat *stats;  /* nshards x cmd_count */

static unsigned name_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 16777619u;
	return h;
}

void cmd_setup(void)
{
	memset(name_index, -1, sizeof(name_index));
	for (int i = 0; i < cmd_count; i++) {
		unsigned h = name_hash(cmd_table[i].name, strlen(cmd_table[i].name)) & (INDEX_SIZE - 1);
		while (name_index[h] >= 0)
			h = (h + 1) & (INDEX_SIZE - 1);
		name_index[h] = (short)i;
	}
	is_container = pcalloc((size_t)cmd_count, 1);
	for (int i = 0; i < cmd_count; i++) {
		const char *bar = strchr(cmd_table[i].name, '|');
		if (!bar)
			continue;
		const struct cmd_def *p = cmd_lookup(cmd_table[i].name, (size_t)(bar - cmd_table[i].name));
		if (p)
			is_container[cmd_index(p)] = 1;
	}
	if (!stats)
		stats = pcalloc((size_t)(nshards ? nshards : 1) * (size_t)cmd_count, sizeof(*stats));
	keyspecs_setup();
}

struct cmd_stat *cmd_stats(int shard)
{
	return stats + (size_t)shard * (size_t)cmd_count;
}

int cmd_is_container(const struct cmd_def *d)
{
	return is_container[cmd_index(d)];
}

int cmd_is_subcommand(const struct cmd_def *d)
{
	return strchr(d->name, '|') != NULL;
}

const struct cmd_def *cmd_lookup_sub(const struct cmd_def *parent, const char *sub, size_t len)
{
	char name[64];
	size_t pl = strlen(parent->name);
	if (pl + 1 + len >= sizeof(name))
		return NULL;
	memcpy(name, parent->name, pl);
	name[pl] = '|';
	memcpy(name + pl + 1, sub, len);
	return cmd_lookup(name, pl + 1 + len);
}

const struct cmd_def *cmd_lookup(const char *name, size_t len)
{
	if (len == 0 || len > 48)
		return NULL;
	unsigned h = name_hash(name, len) & (INDEX_SIZE - 1);
	while (name_index[h] >= 0) {
		const struct cmd_def *d = &cmd_table[name_index[h]];
		if (strlen(d->name) == len && !strncasecmp(d->name, name, len))
			return d;
		h = (h + 1) & (INDEX_SIZE - 1);
	}
	return NULL;
}

int cmd_keys(const struct cmd_def *d, int argc, const struct resp_arg *argv, int *keys, int max)
{
	if (d->flags & CMD_MOVABLE)
		return d->getkeys ? d->getkeys(argc, argv, keys, max) : 0;
	if (d->first <= 0)
		return 0;
	int last = d->last < 0 ? argc + d->last : d->last;
	int n = 0;
	for (int i = d->first; i <= last && i < argc && n < max; i += d->step)
		keys[n++] = i;
	return n;
}
