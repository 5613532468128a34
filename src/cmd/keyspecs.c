/* keyspecs.c — Redis 7.0's key specifications and command tips (generated
 * data in keyspecs.def), indexed by command-table entry; evaluated for
 * COMMAND GETKEYSANDFLAGS the way Redis evaluates them.
 *
 * DESIGN: a key spec says where keys start (an index, or the argument after
 * a keyword searched from a position) and how many follow (a range up to a
 * last index, possibly relative to the end or divided by a limit, or a count
 * read from an argument), with access flags for all of them. Commands whose
 * flags depend on other arguments (SET with GET, BITFIELD with SET/INCRBY) or
 * whose keys the specs cannot locate (SORT's STORE) get Redis's per-command
 * rules instead, exactly as Redis falls back to its getkeys procedures.
 *
 * Thread: keyspecs_setup on the main thread (from cmd_setup); lookups from
 * any thread afterwards.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>

#include <string.h>
#include <strings.h>

static const struct keyspec specs[] = {
#define KEYSPEC(cmd, notes, flags, bst, bsa, kw, fkt, a, b, c) {cmd, notes, flags, bst, bsa, kw, fkt, a, b, c},
#include "keyspecs.def"
};
#define NSPECS ((int)(sizeof(specs) / sizeof(specs[0])))

static const struct {
	const char *cmd, *tips;
} tips[] = {
#define TIPS(cmd, t) {cmd, t},
#include "keyspecs.def"
};
#define NTIPS ((int)(sizeof(tips) / sizeof(tips[0])))

static short *first_spec, *nspec, *tip_of;

void keyspecs_setup(void);
void keyspecs_setup(void)
{
	first_spec = pcalloc((size_t)cmd_count, sizeof(short));
	nspec = pcalloc((size_t)cmd_count, sizeof(short));
	tip_of = pcalloc((size_t)cmd_count, sizeof(short));
	for (int i = 0; i < NSPECS; i++) {
		const struct cmd_def *d = cmd_lookup(specs[i].cmd, strlen(specs[i].cmd));
		if (!d)
			continue;
		int k = cmd_index(d);
		if (!nspec[k])
			first_spec[k] = (short)i;
		nspec[k]++;             /* the generator writes a command's specs together */
	}
	for (int i = 0; i < NTIPS; i++) {
		const struct cmd_def *d = cmd_lookup(tips[i].cmd, strlen(tips[i].cmd));
		if (d)
			tip_of[cmd_index(d)] = (short)(i + 1);
	}
}

const struct keyspec *cmd_keyspecs(const struct cmd_def *d, int *n)
{
	int k = cmd_index(d);
	*n = nspec ? nspec[k] : 0;
	return *n ? &specs[first_spec[k]] : NULL;
}

const char *cmd_tips(const struct cmd_def *d)
{
	int k = cmd_index(d);
	return tip_of && tip_of[k] ? tips[tip_of[k] - 1].tips : NULL;
}

/* ---- flags ---------------------------------------------------------------- */

static const char *const flag_names[] = {"RO", "RW", "OW", "RM", "access", "update", "insert",
					 "delete", "not_key", "incomplete", "variable_flags"};

unsigned keyspec_flag_bits(const char *words)
{
	unsigned bits = 0;
	for (const char *p = words; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		for (unsigned i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (n && strlen(flag_names[i]) == n && !strncmp(flag_names[i], p, n))
				bits |= 1u << i;
		p += n;
	}
	return bits;
}

int keyspec_flag_names(unsigned bits, const char **out)
{
	int n = 0;
	for (unsigned i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (bits & (1u << i))
			out[n++] = flag_names[i];
	return n;
}

enum { F_RO = 1, F_RW = 2, F_OW = 4, F_ACCESS = 16, F_UPDATE = 32, F_NOT_KEY = 256,
       F_INCOMPLETE = 512, F_VARIABLE = 1024 };

/* ---- evaluation ------------------------------------------------------------ */

/* Redis's getKeysUsingKeySpecs: -1 when a spec cannot be evaluated. */
static int by_specs(const struct keyspec *ks, int nks, int argc, const struct resp_arg *argv,
		    int *pos, unsigned *flags, int max)
{
	int n = 0;
	for (int j = 0; j < nks; j++) {
		const struct keyspec *s = &ks[j];
		unsigned fl = keyspec_flag_bits(s->flags);
		if (fl & F_NOT_KEY)
			continue;
		long first = 0, last, step;
		if (!strcmp(s->bs_type, "index")) {
			first = s->bs_a;
		} else if (!strcmp(s->bs_type, "keyword")) {
			int start = s->bs_a > 0 ? s->bs_a : argc + s->bs_a;
			int end = s->bs_a > 0 ? argc - 1 : 1;
			for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
				if (i >= argc || i < 1)
					break;
				size_t kl = strlen(s->keyword);
				if (argv[i].len == kl && !strncasecmp(argv[i].ptr, s->keyword, kl)) {
					first = i + 1;
					break;
				}
			}
			if (!first)
				continue;       /* keyword absent: no keys from this spec */
		} else {
			return -1;
		}
		if (!strcmp(s->fk_type, "range")) {
			step = s->b;
			if (s->a >= 0)
				last = first + s->a;
			else if (!s->c)
				last = argc + s->a;
			else
				last = first + ((argc - first) / s->c + s->a);
		} else if (!strcmp(s->fk_type, "keynum")) {
			long long nk;
			step = s->c;
			if (s->a >= argc || first + s->a >= argc || arg_ll(&argv[first + s->a], &nk) || nk < 0)
				return -1;
			first += s->b;
			last = first + (long)nk - 1;
		} else {
			return -1;
		}
		if (last >= argc || last < first || first >= argc)
			return -1;
		for (long i = first; i <= last && step > 0; i += step) {
			if (n < max) {
				pos[n] = (int)i;
				flags[n] = fl;
			}
			n++;
		}
		if (fl & F_INCOMPLETE)
			return -1;
	}
	return n < max ? n : max;
}

static int one_key(int *pos, unsigned *flags, unsigned fl)
{
	pos[0] = 1;
	flags[0] = fl;
	return 1;
}

/* Redis's getkeys procedures for the commands whose specs are not enough. */
static int by_rules(const struct cmd_def *d, int argc, const struct resp_arg *argv, int *pos,
		    unsigned *flags, int max)
{
	if (max < 2)
		return 0;
	if (!strcmp(d->name, "set")) {
		for (int i = 3; i < argc; i++)
			if (arg_is(&argv[i], "get"))
				return one_key(pos, flags, F_RW | F_ACCESS | F_UPDATE);
		return one_key(pos, flags, F_OW | F_UPDATE);
	}
	if (!strcmp(d->name, "bitfield")) {
		int ro = 1;
		for (int i = 2; i < argc; i++) {
			int rem = argc - i - 1;
			if (arg_is(&argv[i], "get") && rem >= 2) {
				i += 2;
			} else if ((arg_is(&argv[i], "set") || arg_is(&argv[i], "incrby")) && rem >= 3) {
				ro = 0;
				break;
			} else if (arg_is(&argv[i], "overflow") && rem >= 1) {
				i += 1;
			} else {
				ro = 0;         /* a syntax error: assume it writes */
				break;
			}
		}
		return one_key(pos, flags, ro ? F_RO | F_ACCESS : F_RW | F_ACCESS | F_UPDATE);
	}
	if (!strcmp(d->name, "sort") || !strcmp(d->name, "sort_ro")) {
		int n = one_key(pos, flags, F_RO | F_ACCESS);
		if (!strcmp(d->name, "sort_ro"))
			return n;
		for (int i = 2; i < argc; i++) {
			if (arg_is(&argv[i], "limit"))
				i += 2;
			else if (arg_is(&argv[i], "get") || arg_is(&argv[i], "by"))
				i += 1;
			else if (arg_is(&argv[i], "store") && i + 1 < argc) {
				pos[1] = i + 1;         /* the last STORE wins, as SORT does */
				flags[1] = F_OW | F_UPDATE;
				n = 2;
			}
		}
		return n;
	}
	return -1;
}

int cmd_keys_with_flags(const struct cmd_def *d, int argc, const struct resp_arg *argv, int *pos,
			unsigned *flags, int max)
{
	int nks;
	const struct keyspec *ks = cmd_keyspecs(d, &nks);
	unsigned all = 0;
	for (int j = 0; j < nks; j++)
		all |= keyspec_flag_bits(ks[j].flags);
	if (nks && !(all & F_VARIABLE)) {
		int n = by_specs(ks, nks, argc, argv, pos, flags, max);
		if (n >= 0)
			return n;
	}
	int n = by_rules(d, argc, argv, pos, flags, max);
	if (n >= 0)
		return n;
	if (nks)
		return 0;       /* Redis's getkeys procedures find no key in what the specs reject */
	/* no spec known (a command Redis 7.0 lacks): positions, no flags */
	int *k = pmalloc((size_t)(argc > 1 ? argc : 1) * sizeof(int));
	n = cmd_keys(d, argc, argv, k, argc > 1 ? argc : 1);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		pos[i] = k[i];
		flags[i] = 0;
	}
	pfree(k);
	return n;
}
