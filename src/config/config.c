/* config.c — the settings engine: defaults, typed set/get of one directive,
 * loading redis.conf text (includes, multi-line directives, fatal errors),
 * CONFIG GET, the all-or-nothing CONFIG SET, and change hooks.
 *
 * Thread: main. cfg is written only while loading at start-up and by
 * config_set(), which the server calls with every shard thread paused.
 *
 * DESIGN
 *   Loading: the file, then stdin, then "\n" + the command-line options are
 *   concatenated and read line by line, as redis-server does, so line numbers
 *   in errors count over that whole text; an included file is read as its own
 *   text (its line numbers are its own). The first error stops the load.
 *   CONFIG SET: (1) every name is looked up and checked (immutable,
 *   protected, loading, duplicate) before anything changes; (2) each current
 *   value is saved as its CONFIG GET string; (3) values are set in order, and
 *   the first failure restores the saved strings of those already set;
 *   (4) change hooks run for changed directives; a refusing hook restores
 *   everything (and hooks run again for the restored values).
 */
#include "config_int.h"

#include <petrel/alloc.h>
#include <petrel/log.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct config cfg;

#define INCLUDE_DEPTH_MAX 16

/* ---- small helpers ---------------------------------------------------------- */

char *config_strfmt(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = pmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

void config_str_store(char **slot, const char *v)
{
	char *old = *slot;
	*slot = v ? pstrdup(v) : NULL;
	pfree(old);
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

struct config_def *config_lookup(const char *name, int *is_alias)
{
	for (size_t i = 0; i < config_table_len; i++) {
		struct config_def *d = &config_table[i];
		if (!strcasecmp(d->name, name)) {
			if (is_alias)
				*is_alias = 0;
			return d;
		}
		if (d->alias && !strcasecmp(d->alias, name)) {
			if (is_alias)
				*is_alias = 1;
			return d;
		}
	}
	return NULL;
}

static void warn_unimplemented(const char *name, int *warned)
{
	if (*warned)
		return;
	*warned = 1;
	log_warning("Directive '%s' is accepted but not implemented by petrel; ignoring it", name);
}

/* ---- typed set / get ---------------------------------------------------------- */

static int is_unsigned(enum num_store s) { return s == NS_UINT || s == NS_ULL || s == NS_SIZE; }

static long long num_load(const struct config_def *d)
{
	const void *p = (const char *)&cfg + d->off;
	switch (d->store) {
	case NS_INT: return *(const int *)p;
	case NS_UINT: return *(const unsigned int *)p;
	case NS_LONG: return *(const long *)p;
	case NS_ULONG: return (long long)*(const unsigned long *)p;
	case NS_LL: return *(const long long *)p;
	case NS_ULL: return (long long)*(const unsigned long long *)p;
	case NS_SIZE: return (long long)*(const size_t *)p;
	case NS_SSIZE: return *(const ssize_t *)p;
	case NS_OFF: return *(const off_t *)p;
	}
	return 0;
}

static void num_store(const struct config_def *d, long long v)
{
	void *p = (char *)&cfg + d->off;
	switch (d->store) {
	case NS_INT: *(int *)p = (int)v; break;
	case NS_UINT: *(unsigned int *)p = (unsigned int)v; break;
	case NS_LONG: *(long *)p = (long)v; break;
	case NS_ULONG: *(unsigned long *)p = (unsigned long)v; break;
	case NS_LL: *(long long *)p = v; break;
	case NS_ULL: *(unsigned long long *)p = (unsigned long long)v; break;
	case NS_SIZE: *(size_t *)p = (size_t)v; break;
	case NS_SSIZE: *(ssize_t *)p = (ssize_t)v; break;
	case NS_OFF: *(off_t *)p = (off_t)v; break;
	}
}

/* Strict integer, as Redis's string2ll. */
static int str2ll(const char *s, size_t len, long long *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((buf[0] == '0' && len > 1) || (buf[0] == '-' && (len < 2 || buf[1] < '1' || buf[1] > '9')) ||
	    !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end)
		return 0;
	*out = v;
	return 1;
}

static int num_parse(const struct config_def *d, const char *v, long long *res, char *errbuf)
{
	size_t len = strlen(v);
	if (d->numflags & NUM_MEMORY) {
		int e;
		unsigned long long u = config_memtoull(v, &e);
		if (!e) {
			*res = (long long)u;
			return 1;
		}
	}
	if ((d->numflags & NUM_PERCENT) && len > 1 && v[len - 1] == '%' && str2ll(v, len - 1, res) &&
	    *res >= 0) {
		*res = -*res; /* percentages are stored negative */
		return 1;
	}
	if (d->numflags & NUM_OCTAL) {
		char *end;
		errno = 0;
		*res = strtoll(v, &end, 8);
		if (errno == 0 && *end == '\0')
			return 1;
	}
	if (!d->numflags && str2ll(v, len, res))
		return 1;
	if ((d->numflags & NUM_MEMORY) && (d->numflags & NUM_PERCENT))
		snprintf(errbuf, CONFIG_ERRBUF, "argument must be a memory or percent value");
	else if (d->numflags & NUM_MEMORY)
		snprintf(errbuf, CONFIG_ERRBUF, "argument must be a memory value");
	else if (d->numflags & NUM_OCTAL)
		snprintf(errbuf, CONFIG_ERRBUF, "argument couldn't be parsed as an octal number");
	else
		snprintf(errbuf, CONFIG_ERRBUF, "argument couldn't be parsed into an integer");
	return 0;
}

static int num_bounds(const struct config_def *d, long long v, char *errbuf)
{
	if (is_unsigned(d->store)) {
		unsigned long long u = (unsigned long long)v, lo = (unsigned long long)d->lo,
				   hi = (unsigned long long)d->hi;
		if (u > hi || u < lo) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 (d->numflags & NUM_OCTAL) ? "argument must be between %llo and %llo inclusive"
							   : "argument must be between %llu and %llu inclusive",
				 lo, hi);
			return 0;
		}
	} else if ((d->numflags & NUM_PERCENT) && v < 0) {
		if (v < d->lo) {
			snprintf(errbuf, CONFIG_ERRBUF, "percentage argument must be less or equal to %lld", -d->lo);
			return 0;
		}
	} else if (v > d->hi || v < d->lo) {
		snprintf(errbuf, CONFIG_ERRBUF, "argument must be between %lld and %lld inclusive", d->lo, d->hi);
		return 0;
	}
	return 1;
}

static int enum_value(const struct config_enum *e, const char *name)
{
	for (; e->name; e++)
		if (!strcasecmp(e->name, name))
			return e->val;
	return INT_MIN;
}

static const char *enum_name(const struct config_enum *e, int val)
{
	for (; e->name; e++)
		if (e->val == val)
			return e->name;
	return "unknown";
}

int config_def_set(struct config_def *d, int argc, char **argv, char *errbuf)
{
	void *p = (char *)&cfg + d->off;
	const char *v = argc > 0 ? argv[0] : "";
	int r = 0;

	errbuf[0] = '\0';
	switch (d->type) {
	case CT_BOOL: {
		int yn = !strcasecmp(v, "yes") ? 1 : !strcasecmp(v, "no") ? 0 : -1;
		if (yn < 0) {
			snprintf(errbuf, CONFIG_ERRBUF, "argument must be 'yes' or 'no'");
			return 0;
		}
		r = *(int *)p != yn ? 1 : 2;
		*(int *)p = yn;
		break;
	}
	case CT_STR: {
		char **slot = p;
		if (d->check && !d->check(v, errbuf))
			return 0;
		const char *nv = ((d->flags & CF_EMPTY_NULL) && !*v) ? NULL : v;
		if ((nv == NULL) != (*slot == NULL) || (nv && strcmp(nv, *slot))) {
			config_str_store(slot, nv);
			r = 1;
		} else {
			r = 2;
		}
		break;
	}
	case CT_ENUM: {
		int val = enum_value(d->enums, v);
		if (val == INT_MIN) {
			size_t n = (size_t)snprintf(errbuf, CONFIG_ERRBUF, "argument must be one of the following: ");
			for (const struct config_enum *e = d->enums; e->name && n < CONFIG_ERRBUF; e++)
				n += (size_t)snprintf(errbuf + n, CONFIG_ERRBUF - n, "%s%s", e->name,
						      e[1].name ? ", " : "");
			return 0;
		}
		r = *(int *)p != val ? 1 : 2;
		*(int *)p = val;
		break;
	}
	case CT_NUM: {
		long long ll;
		if (!num_parse(d, v, &ll, errbuf) || !num_bounds(d, ll, errbuf))
			return 0;
		r = num_load(d) != ll ? 1 : 2;
		num_store(d, ll);
		break;
	}
	case CT_SPECIAL:
		r = d->set(d, argc, argv, errbuf);
		break;
	}
	if (r && d->fixup)
		d->fixup();
	return r;
}

char *config_def_get(struct config_def *d)
{
	const void *p = (const char *)&cfg + d->off;
	switch (d->type) {
	case CT_BOOL:
		return pstrdup(*(const int *)p ? "yes" : "no");
	case CT_STR: {
		const char *s = *(char *const *)p;
		return pstrdup(s ? s : "");
	}
	case CT_ENUM:
		return pstrdup(enum_name(d->enums, *(const int *)p));
	case CT_NUM: {
		long long v = num_load(d);
		if ((d->numflags & NUM_PERCENT) && v < 0)
			return config_strfmt("%lld%%", -v);
		if (d->numflags & NUM_MEMORY)
			return config_strfmt("%llu", (unsigned long long)v);
		if (d->numflags & NUM_OCTAL)
			return config_strfmt("%llo", (unsigned long long)v);
		if (is_unsigned(d->store) || d->store == NS_ULONG)
			return config_strfmt("%llu", (unsigned long long)v);
		return config_strfmt("%lld", v);
	}
	case CT_SPECIAL:
		return d->get(d);
	}
	return pstrdup("");
}

/* Rewrite one directive according to its type (specials have their own). */
void config_rewrite_def(struct config_def *d, struct config_rewrite_state *st)
{
	const void *p = (const char *)&cfg + d->off;
	switch (d->type) {
	case CT_BOOL: {
		int v = *(const int *)p;
		config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, v ? "yes" : "no"), v != d->dflt);
		return;
	}
	case CT_STR: {
		const char *s = *(char *const *)p;
		if (!s) { /* unset: must be absent from the file to stay unset */
			config_rewrite_mark(st, d->name);
			return;
		}
		int force = !(d->dflt_str && !strcmp(s, d->dflt_str));
		char *line = config_strfmt("%s ", d->name);
		size_t len = strlen(line);
		config_args_repr(&line, &len, s, strlen(s));
		config_rewrite_line(st, d->name, line, force);
		return;
	}
	case CT_ENUM: {
		int v = *(const int *)p;
		config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, enum_name(d->enums, v)), v != d->dflt);
		return;
	}
	case CT_NUM: {
		long long v = num_load(d);
		int force = v != d->dflt;
		char *line;
		if ((d->numflags & NUM_PERCENT) && v < 0) {
			line = config_strfmt("%s %lld%%", d->name, -v);
		} else if (d->numflags & NUM_MEMORY) {
			char buf[64];
			config_format_memory(buf, sizeof(buf), v);
			line = config_strfmt("%s %s", d->name, buf);
		} else if (d->numflags & NUM_OCTAL) {
			line = config_strfmt("%s %llo", d->name, (unsigned long long)v);
		} else if (is_unsigned(d->store) || d->store == NS_ULONG) {
			line = config_strfmt("%s %llu", d->name, (unsigned long long)v);
		} else {
			line = config_strfmt("%s %lld", d->name, v);
		}
		config_rewrite_line(st, d->name, line, force);
		return;
	}
	case CT_SPECIAL:
		d->rewrite(d, st);
		return;
	}
}

/* ---- lifecycle ------------------------------------------------------------------- */

static int builtin_loglevel(const char *name, char **err)
{
	(void)name;
	(void)err;
	log_set_level((enum log_level)cfg.loglevel);
	return 0;
}

static void lines_free(struct config_lines *l)
{
	for (int i = 0; i < l->count; i++)
		config_args_free(l->items[i].argv, l->items[i].argc);
	pfree(l->items);
	l->items = NULL;
	l->count = 0;
}

/* Multi-line directives kept for other modules. */
static struct {
	const char *name;
	int min_argc, max_argc;     /* including the directive itself */
	size_t off;                 /* offsetof(struct config, list) */
	int implemented;
	int warned;
} line_dirs[] = {
	{"rename-command", 3, 3, offsetof(struct config, rename_commands), 0, 0},
	{"user", 2, INT_MAX, offsetof(struct config, users), 0, 0},
	{"loadmodule", 2, INT_MAX, offsetof(struct config, loadmodules), 0, 0},
};
static int module_config_warned;

void config_setup(void)
{
	config_teardown();
	config_table_defaults();
	config_on_change("loglevel", builtin_loglevel);
}

void config_teardown(void)
{
	config_table_free();
	lines_free(&cfg.rename_commands);
	lines_free(&cfg.users);
	lines_free(&cfg.loadmodules);
	lines_free(&cfg.sentinel_lines);
	lines_free(&cfg.module_configs);
	pfree(cfg.configfile);
	memset(&cfg, 0, sizeof(cfg));
	for (size_t i = 0; i < config_table_len; i++) {
		config_table[i].warned = 0;
		memset(config_table[i].hooks, 0, sizeof(config_table[i].hooks));
	}
	for (size_t i = 0; i < sizeof(line_dirs) / sizeof(line_dirs[0]); i++)
		line_dirs[i].warned = 0;
	module_config_warned = 0;
}

void config_set_sentinel_mode(int on) { cfg.sentinel_mode = on; }

/* ---- loading ---------------------------------------------------------------------- */

void config_error_deinit(struct config_error *e)
{
	pfree(e->text);
	pfree(e->msg);
	memset(e, 0, sizeof(*e));
}

char *config_error_format(const struct config_error *e)
{
	if (e->kind == CONFIG_ERROR_OPEN)
		return config_strfmt("%s\n", e->msg ? e->msg : "");
	if (e->kind == CONFIG_ERROR_LINE)
		return config_strfmt("\n*** FATAL CONFIG FILE ERROR (%s) ***\n"
				     "Reading the configuration file, at line %d\n>>> '%s'\n%s\n",
				     CONFIG_FATAL_VERSION, e->line, e->text ? e->text : "", e->msg ? e->msg : "");
	return config_strfmt("\n*** FATAL CONFIG FILE ERROR (%s) ***\n%s\n", CONFIG_FATAL_VERSION,
			     e->msg ? e->msg : "");
}

static void set_error(struct config_error *err, enum config_error_kind kind, int line, const char *text,
		      const char *msg)
{
	if (!err)
		return;
	config_error_deinit(err);
	err->kind = kind;
	err->line = line;
	err->text = text ? pstrdup(text) : NULL;
	err->msg = pstrdup(msg);
}

/* Append a whole stream to *text. */
static void slurp(FILE *fp, char **text, size_t *len)
{
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		*text = prealloc(*text, *len + n + 1);
		memcpy(*text + *len, buf, n);
		*len += n;
		(*text)[*len] = '\0';
	}
}

static int read_one(const char *path, char **text, size_t *len, struct config_error *err)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		char *m = config_strfmt("Fatal error, can't open config file '%s': %s", path, strerror(errno));
		log_warning("%s", m);
		set_error(err, CONFIG_ERROR_OPEN, 0, NULL, m);
		pfree(m);
		return -1;
	}
	slurp(fp, text, len);
	fclose(fp);
	return 0;
}

/* Read a file, or every file a glob pattern matches (none is fine). */
static int read_config_file(const char *path, char **text, size_t *len, struct config_error *err)
{
	if (!strpbrk(path, "*?["))
		return read_one(path, text, len, err);
	glob_t g;
	int rc = 0;
	if (glob(path, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = read_one(g.gl_pathv[i], text, len, err);
		globfree(&g);
	}
	return rc;
}

static void lines_add(struct config_lines *l, int linenum, int argc, char **argv)
{
	l->items = prealloc(l->items, sizeof(*l->items) * (size_t)(l->count + 1));
	struct config_line *it = &l->items[l->count++];
	it->linenum = linenum;
	it->argc = argc;
	it->argv = pmalloc(sizeof(char *) * (size_t)(argc + 1));
	for (int i = 0; i < argc; i++)
		it->argv[i] = pstrdup(argv[i]);
	it->argv[argc] = NULL;
}

static int load_text(const char *text, int depth, struct config_error *err);

/* One non-empty, non-comment line. Returns NULL, or the error message. */
static const char *load_line(int argc, char **argv, int linenum, int depth, char *errbuf,
			     struct config_error *err, int *nested_failed)
{
	static const char *const deprecated[] = {"list-max-ziplist-entries", "list-max-ziplist-value",
						 "lua-replicate-commands"};
	struct config_def *d = config_lookup(argv[0], NULL);

	if (d) {
		if (!(d->flags & CONFIG_MULTI_ARG) && argc != 2)
			return "wrong number of arguments";
		if (!config_def_set(d, argc - 1, argv + 1, errbuf))
			return errbuf;
		if (!(d->flags & CONFIG_IMPLEMENTED))
			warn_unimplemented(argv[0], &d->warned);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(deprecated) / sizeof(deprecated[0]); i++)
		if (!strcmp(argv[0], deprecated[i]) && argc == 2)
			return NULL; /* accepted and ignored, as Redis 7.0 does */
	if (!strcmp(argv[0], "include") && argc == 2) {
		char *text = NULL;
		size_t len = 0;
		if (depth >= INCLUDE_DEPTH_MAX) {
			snprintf(errbuf, CONFIG_ERRBUF, "Too many nested includes (max %d)", INCLUDE_DEPTH_MAX);
			return errbuf;
		}
		int rc = read_config_file(argv[1], &text, &len, err);
		if (rc == 0)
			rc = load_text(text ? text : "", depth + 1, err);
		pfree(text);
		if (rc) {
			*nested_failed = 1;
			return "";
		}
		return NULL;
	}
	for (size_t i = 0; i < sizeof(line_dirs) / sizeof(line_dirs[0]); i++) {
		if (!strcmp(argv[0], line_dirs[i].name) && argc >= line_dirs[i].min_argc &&
		    argc <= line_dirs[i].max_argc) {
			lines_add((struct config_lines *)((char *)&cfg + line_dirs[i].off), linenum, argc, argv);
			if (!line_dirs[i].implemented)
				warn_unimplemented(argv[0], &line_dirs[i].warned);
			return NULL;
		}
	}
	if (strchr(argv[0], '.')) {
		if (argc != 2)
			return "Module config specified without value";
		lines_add(&cfg.module_configs, linenum, argc, argv);
		warn_unimplemented(argv[0], &module_config_warned);
		return NULL;
	}
	if (!strcmp(argv[0], "sentinel")) {
		/* a bare "sentinel" line selects sentinel mode; main handles that */
		if (argc != 1) {
			if (!cfg.sentinel_mode)
				return "sentinel directive while not in sentinel mode";
			lines_add(&cfg.sentinel_lines, linenum, argc, argv);
		}
		return NULL;
	}
	return "Bad directive or wrong number of arguments";
}

static int load_text(const char *text, int depth, struct config_error *err)
{
	const char *p = text;
	int linenum = 0;
	char errbuf[CONFIG_ERRBUF];

	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = pmalloc(n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		linenum++;

		/* trim " \t\r\n" both ends */
		char *s = line, *e = line + n;
		while (*s && strchr(" \t\r\n", *s))
			s++;
		while (e > s && strchr(" \t\r\n", e[-1]))
			e--;
		*e = '\0';

		const char *msg = NULL;
		int nested_failed = 0;
		if (*s && *s != '#') {
			int argc;
			char **argv = config_args_split(s, &argc, NULL);
			if (!argv) {
				msg = "Unbalanced quotes in configuration line";
			} else if (argc > 0) {
				lower(argv[0]);
				msg = load_line(argc, argv, linenum, depth, errbuf, err, &nested_failed);
			}
			config_args_free(argv, argc);
		}
		if (msg) {
			if (!nested_failed)
				set_error(err, CONFIG_ERROR_LINE, linenum, s, msg);
			pfree(line);
			return -1;
		}
		pfree(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Checks Redis makes once every line is read. */
static int load_finish(struct config_error *err)
{
	if (cfg.logfile && cfg.logfile[0]) {
		FILE *fp = fopen(cfg.logfile, "a");
		if (!fp) {
			char *m = config_strfmt("Can't open the log file: %s", strerror(errno));
			set_error(err, CONFIG_ERROR_GLOBAL, 0, NULL, m);
			pfree(m);
			return -1;
		}
		fclose(fp);
	}
	if (cfg.cluster_enabled && cfg.masterhost) {
		set_error(err, CONFIG_ERROR_GLOBAL, 0, NULL, "replicaof directive not allowed in cluster mode");
		return -1;
	}
	return 0;
}

int config_load_string(const char *text, struct config_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	config_loading_file = 1;
	config_save_loaded = 0;
	int rc = load_text(text, 0, err);
	config_loading_file = 0;
	return rc ? rc : load_finish(err);
}

int config_load(const char *file, int from_stdin, const char *options, struct config_error *err)
{
	char *text = pstrdup("");
	size_t len = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (file) {
		char *abs = realpath(file, NULL);
		/* remember where to rewrite even if it does not exist yet */
		if (abs) {
			config_str_store(&cfg.configfile, abs);
			free(abs); /* realpath uses malloc */
		} else if (file[0] == '/') {
			config_str_store(&cfg.configfile, file);
		} else {
			char cwd[4096];
			if (getcwd(cwd, sizeof(cwd))) {
				char *p = config_strfmt("%s/%s", cwd, file);
				config_str_store(&cfg.configfile, p);
				pfree(p);
			}
		}
		if (read_config_file(file, &text, &len, err)) {
			pfree(text);
			return -1;
		}
	}
	if (from_stdin) {
		log_warning("Reading config from stdin");
		slurp(stdin, &text, &len);
	}
	if (options) {
		char *t = config_strfmt("%s\n%s", text, options);
		pfree(text);
		text = t;
	}
	int rc = config_load_string(text, err);
	pfree(text);
	return rc;
}

void config_load_or_die(const char *file, int from_stdin, const char *options)
{
	struct config_error e;
	if (config_load(file, from_stdin, options, &e) == 0)
		return;
	char *m = config_error_format(&e);
	fputs(m, stderr);
	pfree(m);
	config_error_deinit(&e);
	exit(1);
}

/* ---- CONFIG GET --------------------------------------------------------------------- */

static void reply_add(struct config_reply *r, const char *name, char *value)
{
	r->items = prealloc(r->items, sizeof(char *) * (r->count + 2));
	r->items[r->count++] = pstrdup(name);
	r->items[r->count++] = value;
}

void config_get(int npatterns, const char *const *patterns, struct config_reply *out)
{
	unsigned char *seen = pcalloc(config_table_len * 2, 1);
	out->count = 0;
	out->items = NULL;
	for (int i = 0; i < npatterns; i++) {
		const char *pat = patterns[i];
		if (!strpbrk(pat, "[*?")) {
			int alias;
			struct config_def *d = config_lookup(pat, &alias);
			size_t k = d ? (size_t)(d - config_table) * 2 + (size_t)alias : 0;
			if (d && !seen[k]) {
				seen[k] = 1;
				reply_add(out, pat, config_def_get(d));
			}
			continue;
		}
		for (size_t j = 0; j < config_table_len; j++) {
			struct config_def *d = &config_table[j];
			if (d->flags & CONFIG_HIDDEN)
				continue;
			for (int alias = 0; alias < 2; alias++) {
				const char *name = alias ? d->alias : d->name;
				if (!name || seen[j * 2 + (size_t)alias] || !config_glob_match(pat, name, 1))
					continue;
				seen[j * 2 + (size_t)alias] = 1;
				reply_add(out, name, config_def_get(d));
			}
		}
	}
	pfree(seen);
}

void config_reply_deinit(struct config_reply *r)
{
	for (size_t i = 0; i < r->count; i++)
		pfree(r->items[i]);
	pfree(r->items);
	r->items = NULL;
	r->count = 0;
}

char *config_get_value(const char *name)
{
	struct config_def *d = config_lookup(name, NULL);
	return d ? config_def_get(d) : NULL;
}

/* ---- CONFIG SET ---------------------------------------------------------------------- */

/* Set from one CONFIG SET value: multi-argument directives split it on
 * single spaces (Redis splits "a  b" into "a", "", "b"; "" into nothing). */
static int set_from_value(struct config_def *d, const char *value, char *errbuf)
{
	if (!(d->flags & CONFIG_MULTI_ARG)) {
		char *argv[1] = {(char *)value};
		return config_def_set(d, 1, argv, errbuf);
	}
	int argc = 0;
	char **argv = NULL;
	if (*value) {
		const char *p = value;
		for (;;) {
			const char *sp = strchr(p, ' ');
			size_t n = sp ? (size_t)(sp - p) : strlen(p);
			argv = prealloc(argv, sizeof(char *) * (size_t)(argc + 1));
			argv[argc] = pmalloc(n + 1);
			memcpy(argv[argc], p, n);
			argv[argc][n] = '\0';
			argc++;
			if (!sp)
				break;
			p = sp + 1;
		}
	}
	int r = config_def_set(d, argc, argv, errbuf);
	config_args_free(argv, argc);
	return r;
}

static int run_hooks(struct config_def *d, char **herr)
{
	for (int h = 0; h < CONFIG_MAX_HOOKS; h++) {
		if (!d->hooks[h])
			continue;
		char *e = NULL;
		if (d->hooks[h](d->name, &e)) {
			if (herr)
				*herr = e;
			else
				pfree(e);
			return -1;
		}
		pfree(e);
	}
	return 0;
}

static void restore(struct config_def **defs, char **old, int n, int with_hooks)
{
	char errbuf[CONFIG_ERRBUF];
	for (int i = 0; i < n; i++)
		if (!set_from_value(defs[i], old[i], errbuf))
			log_warning("Failed restoring failed CONFIG SET command. Error setting %s to '%s': %s",
				    defs[i]->name, old[i], errbuf);
	for (int i = 0; with_hooks && i < n; i++) {
		char *e = NULL;
		if (run_hooks(defs[i], &e))
			log_warning("Failed applying restored failed CONFIG SET command: %s", e ? e : "");
		pfree(e);
	}
}

int config_set(int argc, const char *const *argv, const struct config_caller *who, char **err)
{
	static const struct config_caller dflt_who = {0, 1};
	int n = argc / 2, rc = -1, deny_loading = 0, bad = 0;
	const char *invalid_name = NULL, *err_arg = NULL;
	char errbuf[CONFIG_ERRBUF] = "";
	char *errstr = NULL; /* owned */

	*err = NULL;
	if (!who)
		who = &dflt_who;
	if (argc < 2) {
		*err = pstrdup("ERR wrong number of arguments for 'config|set' command");
		return -1;
	}
	if (argc & 1) {
		*err = pstrdup("ERR syntax error");
		return -1;
	}
	struct config_def **defs = pcalloc((size_t)n, sizeof(*defs));
	char **old = pcalloc((size_t)n, sizeof(*old));
	int *changed = pcalloc((size_t)n, sizeof(int));
	int *aliased = pcalloc((size_t)n, sizeof(int));
	int allow_protected = cfg.enable_protected_configs == PROTECTED_ACTION_YES ||
			      (cfg.enable_protected_configs == PROTECTED_ACTION_LOCAL && who->is_local);

	for (int i = 0; i < n && !bad; i++) {
		const char *name = argv[2 * i];
		struct config_def *d = config_lookup(name, &aliased[i]);
		if (!d) {
			invalid_name = name;
			bad = 1;
		} else if ((d->flags & CONFIG_IMMUTABLE) || ((d->flags & CONFIG_PROTECTED) && !allow_protected)) {
			errstr = pstrdup((d->flags & CONFIG_IMMUTABLE) ? "can't set immutable config"
								      : "can't set protected config");
			err_arg = name;
			bad = 1;
		} else if (who->loading && (d->flags & CONFIG_DENY_LOADING)) {
			deny_loading = 1;
			bad = 1;
		} else {
			for (int j = 0; j < i; j++)
				if (defs[j] == d) {
					errstr = pstrdup("duplicate parameter");
					err_arg = name;
					bad = 1;
				}
			defs[i] = d;
		}
	}
	if (bad)
		goto fail;

	for (int i = 0; i < n; i++)
		old[i] = config_def_get(defs[i]);
	for (int i = 0; i < n; i++) {
		int r = set_from_value(defs[i], argv[2 * i + 1], errbuf);
		if (!r) {
			restore(defs, old, i + 1, 0);
			/* Redis names the directive in its own (lower-case) spelling here */
			err_arg = aliased[i] ? defs[i]->alias : defs[i]->name;
			errstr = errbuf[0] ? pstrdup(errbuf) : NULL;
			goto fail;
		}
		changed[i] = r == 1;
	}
	for (int i = 0; i < n; i++) {
		char *herr = NULL;
		if (changed[i] && run_hooks(defs[i], &herr)) {
			log_warning("Failed applying new configuration. Possibly related to new %s setting. "
				    "Restoring previous settings.", defs[i]->name);
			restore(defs, old, n, 1);
			err_arg = aliased[i] ? defs[i]->alias : defs[i]->name;
			errstr = herr;
			goto fail;
		}
	}
	for (int i = 0; i < n; i++)
		if (!(defs[i]->flags & CONFIG_IMPLEMENTED))
			warn_unimplemented(defs[i]->name, &defs[i]->warned);
	rc = 0;
	goto out;

fail:
	if (deny_loading) {
		*err = pstrdup("LOADING Redis is loading the dataset in memory");
		rc = CONFIG_SET_ELOADING;
	} else if (invalid_name) {
		*err = config_strfmt("ERR Unknown option or number of arguments for CONFIG SET - '%s'", invalid_name);
	} else if (errstr) {
		*err = config_strfmt("ERR CONFIG SET failed (possibly related to argument '%s') - %s", err_arg, errstr);
	} else {
		*err = config_strfmt("ERR CONFIG SET failed (possibly related to argument '%s')", err_arg);
	}
out:
	pfree(errstr);
	for (int i = 0; i < n; i++)
		pfree(old[i]);
	pfree(old);
	pfree(defs);
	pfree(changed);
	pfree(aliased);
	return rc;
}

/* ---- hooks and queries ------------------------------------------------------------------ */

int config_on_change(const char *name, config_apply_fn fn)
{
	struct config_def *d = config_lookup(name, NULL);
	if (!d || !fn)
		return -1;
	for (int h = 0; h < CONFIG_MAX_HOOKS; h++) {
		if (d->hooks[h] == fn)
			return 0;
		if (!d->hooks[h]) {
			d->hooks[h] = fn;
			return 0;
		}
	}
	return -1;
}

int config_flags(const char *name)
{
	struct config_def *d = config_lookup(name, NULL);
	if (!d)
		return -1;
	return (int)(d->flags & ~CF_EMPTY_NULL);
}

int config_mark_implemented(const char *name)
{
	struct config_def *d = config_lookup(name, NULL);
	if (!d)
		return -1;
	d->flags |= CONFIG_IMPLEMENTED;
	return 0;
}
