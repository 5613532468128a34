/* cmd_admin.c — SLOWLOG, LATENCY, MONITOR, SHUTDOWN, LASTSAVE, FUNCTION and
 * the scripting commands petrel does not run yet; plus the subcommand
 * dispatch helpers every container command (CLIENT, CONFIG, DEBUG, ...) uses.
 *
 * Thread: handlers run on the client's shard (SLOWLOG under an all-shard
 * hold: CMD_ALLSHARDS). The latency event store is process-wide and guarded
 * by a mutex: samples are rare (only commands slower than
 * latency-monitor-threshold record one) and come from any shard.
 *
 * DESIGN (latency store): a fixed table of LAT_EVENTS_MAX named events, each
 * with a ring of the last LAT_HISTORY samples {unix seconds, ms}. A sample in
 * the same second as the newest one only raises that one (as Redis does), so
 * a burst costs one slot.
 */
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/log.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- subcommand helpers (shared with cmd_client/config/debug.c) ---------- */

struct subcmd {
	const char *name;       /* lowercase */
	int arity;              /* counting the container's name, as Redis */
	const char *full;       /* "client|list": error texts, CLIENT LIST cmd= */
};

int subcmd_find(struct cmd_ctx *c, const char *container, const struct subcmd *tab, int n);
void subcmd_syntax(struct cmd_ctx *c, const char *container);
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);
int subcmd_arg_str(const struct resp_arg *a, char *buf, size_t size);

/* Copy an argument into buf as a C string (cut to size-1). Returns 0, or -1
 * when it was cut or holds a NUL byte. */
int subcmd_arg_str(const struct resp_arg *a, char *buf, size_t size)
{
	size_t n = a->len < size - 1 ? a->len : size - 1;
	memcpy(buf, a->ptr, n);
	buf[n] = 0;
	return (n != a->len || memchr(a->ptr, 0, a->len)) ? -1 : 0;
}

/* Printable copy of user text for an error message (CR/LF/NUL -> space). */
static void sanitize(const struct resp_arg *a, char *buf, size_t size)
{
	size_t n = a->len < size - 1 ? a->len : size - 1;
	for (size_t i = 0; i < n; i++) {
		char ch = a->ptr[i];
		buf[i] = (ch == '\r' || ch == '\n' || ch == 0) ? ' ' : ch;
	}
	buf[n] = 0;
}

/* Look argv[1] up in tab. On success returns its index and records the full
 * name as the client's last command; otherwise replies Redis's unknown
 * subcommand / arity error and returns -1. */
int subcmd_find(struct cmd_ctx *c, const char *container, const struct subcmd *tab, int n)
{
	for (int i = 0; i < n; i++) {
		if (!arg_is(&c->argv[1], tab[i].name))
			continue;
		int a = tab[i].arity;
		if ((a > 0 && c->argc != a) || (a < 0 && c->argc < -a)) {
			reply_errorf(c->out, "ERR wrong number of arguments for '%s' command", tab[i].full);
			return -1;
		}
		if (c->cl)
			c->cl->last_cmd = tab[i].full;
		return i;
	}
	char sub[129];
	sanitize(&c->argv[1], sub, sizeof(sub));
	reply_errorf(c->out, "ERR unknown subcommand '%s'. Try %s HELP.", sub, container);
	return -1;
}

void subcmd_syntax(struct cmd_ctx *c, const char *container)
{
	char sub[129];
	sanitize(&c->argv[1], sub, sizeof(sub));
	reply_errorf(c->out, "ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.",
		     sub, container);
}

/* Redis's help layout: a header, the lines, then HELP; all status replies. */
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n)
{
	char hdr[128];
	snprintf(hdr, sizeof(hdr), "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		 container);
	reply_array(c->out, n + 3);
	reply_simple(c->out, hdr);
	for (int i = 0; i < n; i++)
		reply_simple(c->out, lines[i]);
	reply_simple(c->out, "HELP");
	reply_simple(c->out, "    Prints this help.");
}

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- SLOWLOG ---------------------------------------------------------------- */

long long stats_slowlog_len(void);
void stats_slowlog_reset(void);
void stats_slowlog_reply(struct rbuf *o, long long count);

static const struct subcmd slowlog_subs[] = {
	{"get", -2, "slowlog|get"}, {"len", 2, "slowlog|len"},
	{"reset", 2, "slowlog|reset"}, {"help", 2, "slowlog|help"},
};

void cmd_slowlog(struct cmd_ctx *c)
{
	static const char *const help[] = {
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN", "    Return the length of the slowlog.",
		"RESET", "    Reset the slowlog.",
	};
	switch (subcmd_find(c, "SLOWLOG", slowlog_subs, NELEM(slowlog_subs))) {
	case 0: {
		long long count = 10;
		if (c->argc > 3) {
			subcmd_syntax(c, "SLOWLOG");
			return;
		}
		if (c->argc == 3 && (arg_ll(&c->argv[2], &count) < 0 || count < -1)) {
			reply_error(c->out, "ERR count should be greater than or equal to -1");
			return;
		}
		stats_slowlog_reply(c->out, count);
		return;
	}
	case 1: reply_int(c->out, stats_slowlog_len()); return;
	case 2: stats_slowlog_reset(); reply_ok(c->out); return;
	case 3: subcmd_help(c, "SLOWLOG", help, NELEM(help)); return;
	default: return;
	}
}

/* ---- LATENCY ---------------------------------------------------------------- */

#define LAT_EVENTS_MAX 64
#define LAT_HISTORY 160
#define LAT_NAME_MAX 64

struct lat_sample {
	long long time;         /* unix seconds */
	long long ms;
};

struct lat_event {
	char name[LAT_NAME_MAX];
	struct lat_sample s[LAT_HISTORY];
	int idx;                /* next slot to write */
	int count;              /* samples held (<= LAT_HISTORY) */
	long long max;          /* all-time max, ms */
};

static pthread_mutex_t lat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lat_event lat_events[LAT_EVENTS_MAX];
static int lat_nevents;

static struct lat_event *lat_find(const char *name, size_t len)
{
	for (int i = 0; i < lat_nevents; i++)
		if (strlen(lat_events[i].name) == len && !memcmp(lat_events[i].name, name, len))
			return &lat_events[i];
	return NULL;
}

/* Record a latency sample of `ms` milliseconds for `event` ("command",
 * "fast-command", "expire-cycle", ...) when latency-monitor-threshold is set
 * and ms reaches it. Thread: any. */
void latency_add_sample(const char *event, long long ms);
void latency_add_sample(const char *event, long long ms)
{
	long long thr = srv.latency_threshold;
	if (thr <= 0 || ms < thr)
		return;
	long long now = shard_mstime() / 1000;
	pthread_mutex_lock(&lat_lock);
	struct lat_event *e = lat_find(event, strlen(event));
	if (!e && lat_nevents < LAT_EVENTS_MAX) {
		e = &lat_events[lat_nevents++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", event);
	}
	if (e) {
		if (ms > e->max)
			e->max = ms;
		int prev = (e->idx + LAT_HISTORY - 1) % LAT_HISTORY;
		if (e->count && e->s[prev].time == now) {
			if (ms > e->s[prev].ms)
				e->s[prev].ms = ms;
		} else {
			e->s[e->idx].time = now;
			e->s[e->idx].ms = ms;
			e->idx = (e->idx + 1) % LAT_HISTORY;
			if (e->count < LAT_HISTORY)
				e->count++;
		}
	}
	pthread_mutex_unlock(&lat_lock);
}

static const struct lat_sample *lat_at(const struct lat_event *e, int i)
{
	/* i-th oldest sample */
	int first = (e->idx + LAT_HISTORY - e->count) % LAT_HISTORY;
	return &e->s[(first + i) % LAT_HISTORY];
}

static void lat_remove(int i)
{
	lat_events[i] = lat_events[lat_nevents - 1];
	lat_nevents--;
}

static void latency_doctor(struct cmd_ctx *c)
{
	char buf[8192];
	size_t n = 0;
	if (srv.latency_threshold <= 0 && lat_nevents == 0) {
		n = (size_t)snprintf(buf, sizeof(buf),
			"I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
			"instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
			"order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
			"at https://redis.io/topics/latency-monitor.\n");
	} else if (lat_nevents == 0) {
		n = (size_t)snprintf(buf, sizeof(buf),
			"Dave, no latency spike was observed during the lifetime of this Redis instance, not "
			"in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
			"pill, and think things over.\n");
	} else {
		n = (size_t)snprintf(buf, sizeof(buf),
			"Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
			"about it, do you Dave?\n\n");
		for (int i = 0; i < lat_nevents && n < sizeof(buf) - 512; i++) {
			const struct lat_event *e = &lat_events[i];
			long long sum = 0, mind = 0;
			for (int k = 0; k < e->count; k++)
				sum += lat_at(e, k)->ms;
			long long avg = e->count ? sum / e->count : 0;
			for (int k = 0; k < e->count; k++) {
				long long d = lat_at(e, k)->ms - avg;
				mind += d < 0 ? -d : d;
			}
			if (e->count)
				mind /= e->count;
			double period = e->count > 1 ?
				(double)(lat_at(e, e->count - 1)->time - lat_at(e, 0)->time) / (e->count - 1) : 0;
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				"%d. %s: %d latency spikes (average %lldms, mean deviation %lldms, period %.2f "
				"sec). Worst all time event %lldms.\n",
				i + 1, e->name, e->count, avg, mind, period, e->max);
		}
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			"\nI have a few advices for you:\n\n"
			"- Check your Slow Log to understand what are the commands you are running which are "
			"too slow to execute. Please check https://redis.io/commands/slowlog for more "
			"information.\n");
	}
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	reply_verbatim(c->out, buf, n, "txt");
}

static void latency_graph(struct cmd_ctx *c, const struct lat_event *e)
{
	/* A compact text rendering: header, then one row per sample (newest
	 * last) with a bar scaled to the event's maximum. */
	char buf[16384];
	long long lo = -1, hi = 0;
	for (int k = 0; k < e->count; k++) {
		long long v = lat_at(e, k)->ms;
		if (lo < 0 || v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	size_t n = (size_t)snprintf(buf, sizeof(buf),
				    "%s - high %lld ms, low %lld ms (all time high %lld ms)\n", e->name, hi,
				    lo < 0 ? 0 : lo, e->max);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%.80s\n",
			      "--------------------------------------------------------------------------------");
	long long now = shard_mstime() / 1000;
	for (int k = 0; k < e->count && n < sizeof(buf) - 128; k++) {
		const struct lat_sample *s = lat_at(e, k);
		int bar = hi ? (int)(s->ms * 40 / hi) : 0;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%6llds ago %6lld ms |%.*s\n", now - s->time,
				      s->ms, bar, "########################################");
	}
	reply_verbatim(c->out, buf, n, "txt");
}

/* One command's CDF: total calls and (bucket label in us, cumulative calls)
 * for every bucket where the count grows, as Redis prints its hdr_histogram
 * (label = the bucket's highest equivalent value in ns / 1000). */
static void reply_cdf(struct cmd_ctx *c, int cmd, uint64_t calls)
{
	uint64_t cnt[CMD_HIST_BUCKETS] = {0};
	for (int s = 0; s < nshards; s++)
		for (int k = 0; k < CMD_HIST_BUCKETS; k++)
			cnt[k] += __atomic_load_n(&cmd_stats(s)[cmd].hist[k], __ATOMIC_RELAXED);
	reply_map(c->out, 2);
	reply_bulk_str(c->out, "calls");
	reply_int(c->out, (long long)calls);
	reply_bulk_str(c->out, "histogram_usec");
	size_t pos = reply_defer(c->out);
	uint64_t cum = 0, total = 0;
	int n = 0;
	for (int k = 0; k < CMD_HIST_BUCKETS; k++)
		total += cnt[k];
	for (int k = 0; k < CMD_HIST_BUCKETS && cum < total; k++) {
		if (!cnt[k])
			continue;
		cum += cnt[k];
		reply_int(c->out, (long long)(((1032ULL << k) - 1) / 1000));
		reply_int(c->out, (long long)cum);
		n++;
	}
	reply_set_deferred(c->out, pos, '%', n);
}

static uint64_t cmd_calls(int i)
{
	uint64_t calls = 0;
	for (int s = 0; s < nshards; s++)
		calls += __atomic_load_n(&cmd_stats(s)[i].calls, __ATOMIC_RELAXED);
	return calls;
}

/* Commands (and subcommands) with calls: all of them, or those named (a
 * container name brings its subcommands), as Redis. */
static void latency_histogram(struct cmd_ctx *c)
{
	int n = 0;
	size_t pos = reply_defer(c->out);
	for (int i = 0; i < cmd_count; i++) {
		uint64_t calls = cmd_calls(i);
		if (!calls)
			continue;
		const char *name = cmd_table[i].name;
		const char *bar = strchr(name, '|');
		int want = c->argc == 2;
		for (int a = 2; a < c->argc && !want; a++) {
			want = arg_is(&c->argv[a], name);
			if (!want && bar && c->argv[a].len == (size_t)(bar - name))
				want = !strncasecmp(c->argv[a].ptr, name, c->argv[a].len);
		}
		if (!want)
			continue;
		reply_bulk_str(c->out, name);
		reply_cdf(c, i, calls);
		n++;
	}
	reply_set_deferred(c->out, pos, '%', n);
}

static const struct subcmd latency_subs[] = {
	{"latest", 2, "latency|latest"}, {"history", 3, "latency|history"},
	{"reset", -2, "latency|reset"}, {"doctor", 2, "latency|doctor"},
	{"graph", 3, "latency|graph"}, {"histogram", -2, "latency|histogram"},
	{"help", 2, "latency|help"},
};

void cmd_latency(struct cmd_ctx *c)
{
	static const char *const help[] = {
		"DOCTOR", "    Return a human readable latency analysis report.",
		"GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>", "    Return time-latency samples for the <event> class.",
		"LATEST", "    Return the latest latency samples for all events.",
		"RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.",
	};
	int sub = subcmd_find(c, "LATENCY", latency_subs, NELEM(latency_subs));
	if (sub < 0)
		return;
	if (sub == 5) {
		latency_histogram(c);
		return;
	}
	if (sub == 6) {
		subcmd_help(c, "LATENCY", help, NELEM(help));
		return;
	}
	pthread_mutex_lock(&lat_lock);
	switch (sub) {
	case 0:
		reply_array(c->out, lat_nevents);
		for (int i = 0; i < lat_nevents; i++) {
			const struct lat_event *e = &lat_events[i];
			const struct lat_sample *last = lat_at(e, e->count - 1);
			reply_array(c->out, 4);
			reply_bulk_str(c->out, e->name);
			reply_int(c->out, last->time);
			reply_int(c->out, last->ms);
			reply_int(c->out, e->max);
		}
		break;
	case 1: {
		const struct lat_event *e = lat_find(c->argv[2].ptr, c->argv[2].len);
		int cnt = e ? e->count : 0;
		reply_array(c->out, cnt);
		for (int k = 0; k < cnt; k++) {
			reply_array(c->out, 2);
			reply_int(c->out, lat_at(e, k)->time);
			reply_int(c->out, lat_at(e, k)->ms);
		}
		break;
	}
	case 2: {
		int resets = 0;
		if (c->argc == 2) {
			resets = lat_nevents;
			lat_nevents = 0;
		} else {
			for (int a = 2; a < c->argc; a++) {
				struct lat_event *e = lat_find(c->argv[a].ptr, c->argv[a].len);
				if (e) {
					lat_remove((int)(e - lat_events));
					resets++;
				}
			}
		}
		reply_int(c->out, resets);
		break;
	}
	case 3: latency_doctor(c); break;
	case 4: {
		const struct lat_event *e = lat_find(c->argv[2].ptr, c->argv[2].len);
		if (!e || !e->count) {
			char name[129];
			sanitize(&c->argv[2], name, sizeof(name));
			reply_errorf(c->out, "ERR No samples available for event '%s'", name);
		} else {
			latency_graph(c, e);
		}
		break;
	}
	}
	pthread_mutex_unlock(&lat_lock);
}

/* ---- MONITOR / SHUTDOWN / LASTSAVE -------------------------------------------- */

extern int stats_monitors;

void cmd_monitor(struct cmd_ctx *c)
{
	struct client *cl = c->cl;
	if (cl->flags & CL_MONITOR)
		return;         /* Redis ignores a second MONITOR without a reply */
	cl->flags |= CL_MONITOR;
	__atomic_add_fetch(&stats_monitors, 1, __ATOMIC_RELAXED);
	reply_ok(c->out);
}

void cmd_shutdown(struct cmd_ctx *c)
{
	int nosave = 0, save = 0, now = 0, force = 0, abort_ = 0;
	for (int i = 1; i < c->argc; i++) {
		if (ARGIS(c, i, "nosave"))
			nosave = 1;
		else if (ARGIS(c, i, "save"))
			save = 1;
		else if (ARGIS(c, i, "now"))
			now = 1;
		else if (ARGIS(c, i, "force"))
			force = 1;
		else if (ARGIS(c, i, "abort"))
			abort_ = 1;
		else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	if ((nosave && save) || (abort_ && (nosave || save || now || force))) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (abort_) {
		/* Shutdown is immediate in petrel: never one in progress. */
		reply_error(c->out, "ERR No shutdown in progress.");
		return;
	}
	/* main.c waits for this signal, logs "User requested shutdown..." and
	 * stops the shards; no reply: the connection closes with the server.
	 * (No persistence yet, so SAVE/NOSAVE/NOW/FORCE change nothing.) */
	__atomic_store_n(&srv.shutdown_asap, 1, __ATOMIC_RELAXED);
	kill(getpid(), SIGRTMIN + 1);
}

void cmd_lastsave(struct cmd_ctx *c)
{
	reply_int(c->out, srv.lastsave);
}

/* ---- FUNCTION (the library set is always empty) ------------------------------ */

/* FUNCTION DUMP of an empty library set: RDB version 10 (LE u16) + CRC64. */
static const char empty_dump[10] = {0x0a, 0x00, 0x5d, (char)0x9b, 0x5c, 0x40, 0x0f, 0x7f,
				    (char)0xa2, (char)0xda};

static const struct subcmd function_subs[] = {
	{"list", -2, "function|list"}, {"stats", 2, "function|stats"},
	{"flush", -2, "function|flush"}, {"dump", 2, "function|dump"},
	{"restore", -3, "function|restore"}, {"delete", 3, "function|delete"},
	{"load", -3, "function|load"}, {"kill", 2, "function|kill"},
	{"help", 2, "function|help"},
};

void cmd_function(struct cmd_ctx *c)
{
	static const char *const help[] = {
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>", "    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name", "    * The engine used to run the Library",
		"    * Library description", "    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS", "    Return information about the current function running:",
		"    * Function name", "    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL", "    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]", "    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).",
	};
	struct rbuf *o = c->out;
	switch (subcmd_find(c, "FUNCTION", function_subs, NELEM(function_subs))) {
	case 0: {
		int have_name = 0, withcode = 0;
		for (int i = 2; i < c->argc; i++) {
			if (ARGIS(c, i, "withcode") && !withcode) {
				withcode = 1;
			} else if (ARGIS(c, i, "libraryname") && !have_name) {
				if (i + 1 >= c->argc) {
					reply_error(o, "ERR library name argument was not given");
					return;
				}
				have_name = 1;
				i++;
			} else {
				char a[129];
				sanitize(&c->argv[i], a, sizeof(a));
				reply_errorf(o, "ERR Unknown argument %s", a);
				return;
			}
		}
		reply_array(o, 0);
		return;
	}
	case 1:
		reply_map(o, 2);
		reply_bulk_str(o, "running_script");
		reply_null(o);
		reply_bulk_str(o, "engines");
		reply_map(o, 1);
		reply_bulk_str(o, "LUA");
		reply_map(o, 2);
		reply_bulk_str(o, "libraries_count");
		reply_int(o, 0);
		reply_bulk_str(o, "functions_count");
		reply_int(o, 0);
		return;
	case 2:
		if (c->argc > 3 || (c->argc == 3 && !ARGIS(c, 2, "sync") && !ARGIS(c, 2, "async"))) {
			reply_error(o, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
			return;
		}
		reply_ok(o);
		return;
	case 3: reply_bulk(o, empty_dump, sizeof(empty_dump)); return;
	case 4:
		if (c->argc > 4 || (c->argc == 4 && !ARGIS(c, 3, "flush") && !ARGIS(c, 3, "append") &&
				    !ARGIS(c, 3, "replace"))) {
			reply_error(o, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
			return;
		}
		if (c->argv[2].len == sizeof(empty_dump) &&
		    !memcmp(c->argv[2].ptr, empty_dump, sizeof(empty_dump)))
			reply_ok(o);    /* restoring the empty set: nothing to do */
		else if (c->argv[2].len < sizeof(empty_dump) || c->argv[2].ptr[c->argv[2].len - 10] != 0x0a)
			reply_error(o, "ERR DUMP payload version or checksum are wrong");
		else
			reply_error(o, "ERR FUNCTION RESTORE is not supported yet by petrel (no scripting engine)");
		return;
	case 5: reply_error(o, "ERR Library not found"); return;
	case 6: reply_error(o, "ERR FUNCTION LOAD is not supported yet by petrel (no scripting engine)"); return;
	case 7: reply_error(o, "NOTBUSY No scripts in execution right now."); return;
	case 8: subcmd_help(c, "FUNCTION", help, NELEM(help)); return;
	default: return;
	}
}

/* ---- EVAL / EVALSHA / FCALL / SCRIPT -------------------------------------- */

/* Validate numkeys as Redis does before anything else. 0 ok, -1 replied. */
static int check_numkeys(struct cmd_ctx *c)
{
	long long nk;
	if (arg_ll(&c->argv[2], &nk) < 0) {
		reply_error(c->out, ERR_NOT_INT);
		return -1;
	}
	if (nk > c->argc - 3) {
		reply_error(c->out, "ERR Number of keys can't be greater than number of args");
		return -1;
	}
	if (nk < 0) {
		reply_error(c->out, "ERR Number of keys can't be negative");
		return -1;
	}
	return 0;
}

void cmd_noscript(struct cmd_ctx *c)
{
	const char *n = c->def->name;
	if (!strcmp(n, "script")) {
		static const struct subcmd subs[] = {
			{"flush", -2, "script|flush"}, {"exists", -3, "script|exists"},
			{"kill", 2, "script|kill"}, {"load", 3, "script|load"},
			{"debug", 3, "script|debug"}, {"help", 2, "script|help"},
		};
		static const char *const help[] = {
			"DEBUG (YES|SYNC|NO)",
			"    Set the debug mode for subsequent scripts executed.",
			"EXISTS <sha1> [<sha1> ...]",
			"    Return information about the existence of the scripts in the script cache.",
			"FLUSH [ASYNC|SYNC]",
			"    Flush the Lua scripts cache. Very dangerous on replicas.",
			"    When called without the optional mode argument, the behavior is determined by the",
			"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
			"    * ASYNC: Asynchronously flush the scripts cache.",
			"    * SYNC: Synchronously flush the scripts cache.",
			"KILL", "    Kill the currently executing Lua script.",
			"LOAD <script>", "    Load a script into the scripts cache without executing it.",
		};
		switch (subcmd_find(c, "SCRIPT", subs, NELEM(subs))) {
		case 0:
			if (c->argc > 3 || (c->argc == 3 && !ARGIS(c, 2, "sync") && !ARGIS(c, 2, "async")))
				reply_error(c->out, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
			else
				reply_ok(c->out);
			return;
		case 1:
			reply_array(c->out, c->argc - 2);
			for (int i = 2; i < c->argc; i++)
				reply_int(c->out, 0);
			return;
		case 2: reply_error(c->out, "NOTBUSY No scripts in execution right now."); return;
		case 3:
		case 4: reply_error(c->out, "ERR scripting is not supported yet by petrel"); return;
		case 5: subcmd_help(c, "SCRIPT", help, NELEM(help)); return;
		default: return;
		}
	}
	/* Redis's order: FCALL looks the function up first; EVALSHA rejects a
	 * malformed sha first; otherwise numkeys is checked before the script. */
	if (!strncmp(n, "fcall", 5)) {
		reply_error(c->out, "ERR Function not found");
		return;
	}
	int sha = !strncmp(n, "evalsha", 7);
	if (sha && c->argv[1].len != 40) {
		reply_error(c->out, "NOSCRIPT No matching script. Please use EVAL.");
		return;
	}
	if (check_numkeys(c) < 0)
		return;
	if (sha)
		reply_error(c->out, "NOSCRIPT No matching script. Please use EVAL.");
	else
		reply_error(c->out, "ERR scripting is not supported yet by petrel");
}
