/* config_int.h — what the config module's files share: the directive table's
 * row type and the helpers between config.c, config_table.c and
 * config_rewrite.c. Not for other modules.
 *
 * Thread: main (see config.h).
 */
#ifndef PETREL_CONFIG_INT_H
#define PETREL_CONFIG_INT_H

#include <petrel/config.h>

#include <stddef.h>

#define CONFIG_ERRBUF 256
#define CONFIG_MAX_HOOKS 4

enum cdef_type { CT_BOOL, CT_STR, CT_ENUM, CT_NUM, CT_SPECIAL };
/* C type of a numeric field */
enum num_store { NS_INT, NS_UINT, NS_LONG, NS_ULONG, NS_LL, NS_ULL, NS_SIZE, NS_SSIZE, NS_OFF };
/* how a numeric value is written */
#define NUM_MEMORY  (1u << 0)   /* 64mb; GET prints bytes; REWRITE prints units */
#define NUM_OCTAL   (1u << 1)   /* unixsocketperm */
#define NUM_PERCENT (1u << 2)   /* "10%" stored as -10 */

/* internal flag: an empty string is stored as NULL */
#define CF_EMPTY_NULL (1u << 16)

struct config_enum {
	const char *name;
	int val;
};

struct config_rewrite_state;
struct config_def;

/* set: 1 changed, 2 unchanged, 0 error (message in errbuf or *err). */
typedef int (*cdef_set_fn)(struct config_def *d, int argc, char **argv, char *errbuf);
typedef char *(*cdef_get_fn)(struct config_def *d);
typedef void (*cdef_rewrite_fn)(struct config_def *d, struct config_rewrite_state *st);

struct config_def {
	const char *name;
	const char *alias;              /* NULL if none */
	unsigned flags;                 /* CONFIG_* | CF_* */
	enum cdef_type type;
	size_t off;                     /* offsetof(struct config, field) */
	enum num_store store;
	unsigned numflags;
	long long lo, hi;               /* bounds; unsigned stores compare as unsigned */
	long long dflt;                 /* default of bool / enum / num */
	const char *dflt_str;           /* default of string (NULL = none) */
	const struct config_enum *enums;
	cdef_set_fn set;                /* special only */
	cdef_get_fn get;                /* special only */
	cdef_rewrite_fn rewrite;        /* special only */
	int (*check)(const char *v, char *errbuf); /* string validator: 1 ok, 0 bad */
	void (*fixup)(void);            /* after a successful set (e.g. hz clamp) */
	/* run-time state */
	int warned;
	config_apply_fn hooks[CONFIG_MAX_HOOKS];
};

/* config_table.c */
extern struct config_def config_table[];
extern const size_t config_table_len;
/* Set cfg fields of every row to its default (strings freed first). */
void config_table_defaults(void);
void config_table_free(void);
/* Is a file being loaded? (save's first line drops the defaults) */
extern int config_loading_file;
extern int config_save_loaded;

/* config.c */
struct config_def *config_lookup(const char *name, int *is_alias);
int config_def_set(struct config_def *d, int argc, char **argv, char *errbuf);
char *config_def_get(struct config_def *d);
void config_str_store(char **slot, const char *v);  /* pfree old, pstrdup new (NULL ok) */

/* config_rewrite.c: called by each row's rewrite */
void config_rewrite_line(struct config_rewrite_state *st, const char *option, char *line, int force);
void config_rewrite_mark(struct config_rewrite_state *st, const char *option);
void config_rewrite_def(struct config_def *d, struct config_rewrite_state *st);
/* "64mb" form for REWRITE */
void config_format_memory(char *buf, size_t len, long long bytes);

/* printf into a new pmalloc'ed string */
char *config_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
