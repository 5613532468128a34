/* stats.c — per-shard errorstats and slowlog; the MONITOR feed.
 *
 * Thread: recording on the executing shard; reading merges all shards (the
 * readers run under an all-shard hold: SLOWLOG, INFO errorstats).
 */
#include "stats.h"

#include <petrel/alloc.h>
#include <petrel/server.h>

#include <stdio.h>
#include <string.h>

#define ERRSTAT_MAX 128
#define ERRCODE_LEN 32

struct errstat {
	char code[ERRCODE_LEN];
	uint64_t count;
};

struct shard_extra {
	struct errstat err[ERRSTAT_MAX];
	int nerr;
	uint64_t total_errors;
	struct slowlog_entry *slow;     /* newest first, singly linked */
	long long slow_len;
};

static struct shard_extra *extra;       /* one per shard */
static uint64_t slowlog_next_id;        /* (atomic) */

struct slowlog_entry {
	uint64_t id;
	long long time;
	long long duration;
	int argc;
	struct resp_arg *argv;
	char peer[64];
	char name[64];
	struct slowlog_entry *next;
};

void stats_setup(int n);
void stats_setup(int n)
{
	extra = pcalloc((size_t)n, sizeof(*extra));
}

void stats_on_error(void *arg, const char *msg, size_t len)
{
	struct shard *s = arg;
	struct shard_extra *x = &extra[s->id];
	size_t n = 0;
	while (n < len && n < ERRCODE_LEN - 1 && msg[n] != ' ')
		n++;
	x->total_errors++;
	for (int i = 0; i < x->nerr; i++) {
		if (!strncmp(x->err[i].code, msg, n) && x->err[i].code[n] == 0) {
			x->err[i].count++;
			return;
		}
	}
	if (x->nerr == ERRSTAT_MAX)
		return;  /* like Redis: stop tracking new codes past a limit */
	memcpy(x->err[x->nerr].code, msg, n);
	x->err[x->nerr].code[n] = 0;
	x->err[x->nerr].count = 1;
	x->nerr++;
}

uint64_t stats_total_errors(void);
uint64_t stats_total_errors(void)
{
	uint64_t t = 0;
	for (int i = 0; i < nshards; i++)
		t += extra[i].total_errors;
	return t;
}

/* Visit merged error counts: fn(code, count). */
void stats_errors_foreach(void (*fn)(void *arg, const char *code, uint64_t count), void *arg);
void stats_errors_foreach(void (*fn)(void *arg, const char *code, uint64_t count), void *arg)
{
	struct errstat merged[ERRSTAT_MAX];
	int nm = 0;
	for (int s = 0; s < nshards; s++) {
		for (int i = 0; i < extra[s].nerr; i++) {
			int j;
			for (j = 0; j < nm; j++)
				if (!strcmp(merged[j].code, extra[s].err[i].code))
					break;
			if (j == nm) {
				if (nm == ERRSTAT_MAX)
					continue;
				merged[nm] = extra[s].err[i];
				nm++;
			} else {
				merged[j].count += extra[s].err[i].count;
			}
		}
	}
	for (int i = 0; i < nm; i++)
		fn(arg, merged[i].code, merged[i].count);
}

void stats_reset(void);
void stats_reset(void)
{
	for (int s = 0; s < nshards; s++) {
		extra[s].nerr = 0;
		extra[s].total_errors = 0;
	}
}

static void slow_free(struct slowlog_entry *e)
{
	pfree(e->argv);
	pfree(e);
}

void stats_slowlog_maybe(struct cmd_ctx *c, long long dur)
{
	long long thr = srv.slowlog_slower_than;
	if (thr < 0 || dur < thr || srv.slowlog_max_len <= 0)
		return;
	struct shard_extra *x = &extra[c->sh->id];
	struct slowlog_entry *e = pcalloc(1, sizeof(*e));
	e->id = __atomic_fetch_add(&slowlog_next_id, 1, __ATOMIC_RELAXED);
	e->time = c->now / 1000;
	e->duration = dur;
	/* Redis keeps at most 32 args, each cut to 128 bytes. */
	int argc = c->argc > 32 ? 32 : c->argc;
	size_t bytes = 0;
	for (int i = 0; i < argc; i++)
		bytes += (c->argv[i].len > 128 ? 128 + 40 : c->argv[i].len) + 1;
	e->argv = pmalloc((size_t)argc * sizeof(struct resp_arg) + bytes + 64);
	char *p = (char *)(e->argv + argc);
	for (int i = 0; i < argc; i++) {
		size_t n = c->argv[i].len;
		e->argv[i].ptr = p;
		if (i == 31 && c->argc > 32) {
			n = (size_t)sprintf(p, "... (%d more arguments)", c->argc - 31);
		} else if (n > 128) {
			memcpy(p, c->argv[i].ptr, 128);
			n = 128 + (size_t)sprintf(p + 128, "... (%zu more bytes)", c->argv[i].len - 128);
		} else {
			memcpy(p, c->argv[i].ptr, n);
		}
		e->argv[i].len = n;
		p += n + 1;
	}
	e->argc = argc;
	if (c->cl) {
		snprintf(e->peer, sizeof(e->peer), "%s", c->cl->addr);
		if (c->cl->name)
			snprintf(e->name, sizeof(e->name), "%s", c->cl->name);
	}
	e->next = x->slow;
	x->slow = e;
	x->slow_len++;
	/* Trim this shard's list to the max length. */
	if (x->slow_len > srv.slowlog_max_len) {
		struct slowlog_entry **pp = &x->slow;
		for (long long i = 0; i < srv.slowlog_max_len && *pp; i++)
			pp = &(*pp)->next;
		while (*pp) {
			struct slowlog_entry *d = *pp;
			*pp = d->next;
			slow_free(d);
			x->slow_len--;
		}
	}
}

/* SLOWLOG GET/LEN/RESET across shards (caller holds every shard). */
long long stats_slowlog_len(void);
long long stats_slowlog_len(void)
{
	long long n = 0;
	for (int s = 0; s < nshards; s++)
		n += extra[s].slow_len;
	return n < srv.slowlog_max_len ? n : srv.slowlog_max_len;
}

void stats_slowlog_reset(void);
void stats_slowlog_reset(void)
{
	for (int s = 0; s < nshards; s++) {
		while (extra[s].slow) {
			struct slowlog_entry *e = extra[s].slow;
			extra[s].slow = e->next;
			slow_free(e);
		}
		extra[s].slow_len = 0;
	}
}

/* Reply the newest `count` entries, merged by id, newest first. */
void stats_slowlog_reply(struct rbuf *o, long long count);
void stats_slowlog_reply(struct rbuf *o, long long count)
{
	long long total = stats_slowlog_len();
	if (count < 0 || count > total)
		count = total;
	struct slowlog_entry **cur = pcalloc((size_t)nshards, sizeof(*cur));
	for (int s = 0; s < nshards; s++)
		cur[s] = extra[s].slow;
	reply_array(o, count);
	for (long long k = 0; k < count; k++) {
		int best = -1;
		for (int s = 0; s < nshards; s++)
			if (cur[s] && (best < 0 || cur[s]->id > cur[best]->id))
				best = s;
		struct slowlog_entry *e = cur[best];
		cur[best] = e->next;
		reply_array(o, 6);
		reply_int(o, (long long)e->id);
		reply_int(o, e->time);
		reply_int(o, e->duration);
		reply_array(o, e->argc);
		for (int i = 0; i < e->argc; i++)
			reply_bulk(o, e->argv[i].ptr, e->argv[i].len);
		reply_bulk_str(o, e->peer);
		reply_bulk_str(o, e->name);
	}
	pfree(cur);
}

/* MONITOR: monitors are few; each shard keeps its own monitors and the
 * feeding shard posts a copy of the line to every shard that has one. */
int stats_monitors;     /* (atomic) number of MONITOR clients */

void monitor_deliver(struct shard *from, const char *line, size_t len);

void stats_monitor_feed(struct client *cl, const struct resp_cmd *cmd)
{
	if (!__atomic_load_n(&stats_monitors, __ATOMIC_RELAXED))
		return;
	if (cmd->argc && cmd->argv[0].len >= 4 &&
	    (!strncasecmp(cmd->argv[0].ptr, "auth", 4) || !strncasecmp(cmd->argv[0].ptr, "hello", 5)))
		return;  /* never echo credentials */
	struct rbuf line;
	rbuf_init(&line, 2);
	char hdr[160];
	long long us = shard_ustime();
	int n = snprintf(hdr, sizeof(hdr), "+%lld.%06lld [%d %s]", us / 1000000, us % 1000000, cl->db,
			 (cl->flags & CL_UNIX) ? "unix:" : cl->addr);
	rbuf_append(&line, hdr, (size_t)n);
	for (int i = 0; i < cmd->argc; i++) {
		rbuf_append(&line, " \"", 2);
		for (size_t j = 0; j < cmd->argv[i].len; j++) {
			unsigned char ch = (unsigned char)cmd->argv[i].ptr[j];
			char esc[8];
			int en;
			switch (ch) {
			case '\\': en = sprintf(esc, "\\\\"); break;
			case '"': en = sprintf(esc, "\\\""); break;
			case '\n': en = sprintf(esc, "\\n"); break;
			case '\r': en = sprintf(esc, "\\r"); break;
			case '\t': en = sprintf(esc, "\\t"); break;
			case '\a': en = sprintf(esc, "\\a"); break;
			case '\b': en = sprintf(esc, "\\b"); break;
			default:
				if (ch < 32 || ch > 126)
					en = sprintf(esc, "\\x%02x", ch);
				else {
					esc[0] = (char)ch;
					en = 1;
				}
			}
			rbuf_append(&line, esc, (size_t)en);
		}
		rbuf_append(&line, "\"", 1);
	}
	rbuf_append(&line, "\r\n", 2);
	monitor_deliver(shard_self(), line.data, line.len);
	rbuf_deinit(&line);
}
