/* cmd_block.c — BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX,
 * BZMPOP: each runs its non-blocking form (LPOP, LMPOP, LMOVE, ZPOPMIN, ZMPOP
 * ...) on the first key that has data, and otherwise blocks the client
 * (src/server/block.c), which serves it the same way when a key fills.
 *
 * Thread: the handlers run on the client's shard holding the keys' shards
 * (CMD_COORD); block_run on the shard owning the key being served.
 */
#include <petrel/block.h>
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/db.h>
#include <petrel/exec.h>
#include <petrel/shard.h>

#include <string.h>

enum kind { K_LPOP, K_RPOP, K_LMPOP, K_LMOVE, K_RPOPLPUSH, K_ZPOPMIN, K_ZPOPMAX, K_ZMPOP,
	    K_XREAD };

static enum kind kind_of(const struct cmd_def *d)
{
	static const struct { const char *name; enum kind k; } map[] = {
		{"blpop", K_LPOP}, {"brpop", K_RPOP}, {"blmpop", K_LMPOP}, {"blmove", K_LMOVE},
		{"brpoplpush", K_RPOPLPUSH}, {"bzpopmin", K_ZPOPMIN}, {"bzpopmax", K_ZPOPMAX},
		{"bzmpop", K_ZMPOP}, {"xread", K_XREAD}, {"xreadgroup", K_XREAD},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(d->name, map[i].name))
			return map[i].k;
	return K_LPOP;
}

static int is_list_kind(enum kind k) { return k <= K_RPOPLPUSH; }

/* The non-blocking command for `key`, built from the blocking one's args.
 * Returns argc (argv in out, up to 8 entries) and how to wrap its reply. */
enum wrap { W_NONE, W_KEY_BULK, W_KEY_SPLICE };

static int build_op(enum kind k, int argc, const struct resp_arg *argv, const struct resp_arg *key,
		    struct resp_arg *out, enum wrap *wrap)
{
	static const struct resp_arg one = {"1", 1};
	*wrap = W_NONE;
	switch (k) {
	case K_LPOP:
	case K_RPOP:
		out[0] = (struct resp_arg){k == K_LPOP ? "lpop" : "rpop", 4};
		out[1] = *key;
		*wrap = W_KEY_BULK;
		return 2;
	case K_ZPOPMIN:
	case K_ZPOPMAX:
		out[0] = (struct resp_arg){k == K_ZPOPMIN ? "zpopmin" : "zpopmax", 7};
		out[1] = *key;
		*wrap = W_KEY_SPLICE;
		return 2;
	case K_LMPOP:
	case K_ZMPOP: {
		/* B?MPOP timeout numkeys k1..kn WHERE [COUNT c] -> ?MPOP 1 key WHERE [COUNT c] */
		long long nk;
		if (arg_ll(&argv[2], &nk) || nk < 1 || nk > argc - 3)
			return 0;
		int n = 0;
		out[n++] = (struct resp_arg){k == K_LMPOP ? "lmpop" : "zmpop", 5};
		out[n++] = one;
		out[n++] = *key;
		for (int i = 3 + (int)nk; i < argc && n < 8; i++)
			out[n++] = argv[i];
		return n;
	}
	case K_LMOVE:
		/* BLMOVE src dst wf wt timeout -> LMOVE src dst wf wt */
		out[0] = (struct resp_arg){"lmove", 5};
		out[1] = *key;
		out[2] = argv[2];
		out[3] = argv[3];
		out[4] = argv[4];
		return 5;
	case K_RPOPLPUSH:
		out[0] = (struct resp_arg){"rpoplpush", 9};
		out[1] = *key;
		out[2] = argv[2];
		return 3;
	case K_XREAD:
		return 0;       /* streams are served by running the read again */
	}
	return 0;
}

static int empty_reply(const struct rbuf *b, size_t from)
{
	size_t n = b->len - from;
	const char *p = b->data + from;
	return (n == 5 && (!memcmp(p, "$-1\r\n", 5) || !memcmp(p, "*-1\r\n", 5))) ||
	       (n == 3 && !memcmp(p, "_\r\n", 3)) || (n == 4 && !memcmp(p, "*0\r\n", 4));
}

/* Run op into out at its end, wrapped. Returns 1 data, 0 empty (nothing
 * written), -1 error reply written. */
static int run_op(struct cmd_ctx *base, enum kind k, int argc, const struct resp_arg *argv,
		  const struct resp_arg *key, struct rbuf *out)
{
	struct resp_arg op[8];
	enum wrap wrap;
	int n = build_op(k, argc, argv, key, op, &wrap);
	if (n == 0)
		return 0;
	const struct cmd_def *d = cmd_lookup(op[0].ptr, op[0].len);
	struct rbuf tmp;
	rbuf_init(&tmp, out->resp);
	struct cmd_ctx c = *base;
	c.def = d;
	c.argc = n;
	c.argv = op;
	c.out = &tmp;
	uint32_t errs = tmp.errors;
	d->fn(&c);
	int r;
	if (tmp.errors != errs) {
		rbuf_append(out, tmp.data, tmp.len);
		r = -1;
	} else if (empty_reply(&tmp, 0)) {
		r = 0;
	} else {
		if (wrap == W_KEY_BULK) {
			reply_array(out, 2);
			reply_bulk(out, key->ptr, key->len);
			rbuf_append(out, tmp.data, tmp.len);
		} else if (wrap == W_KEY_SPLICE) {
			/* [member, score] -> [key, member, score] */
			const char *nl = memchr(tmp.data, '\n', tmp.len);
			size_t skip = nl ? (size_t)(nl - tmp.data) + 1 : 0;
			reply_array(out, 3);
			reply_bulk(out, key->ptr, key->len);
			rbuf_append(out, tmp.data + skip, tmp.len - skip);
		} else {
			rbuf_append(out, tmp.data, tmp.len);
		}
		r = 1;
	}
	rbuf_deinit(&tmp);
	return r;
}

int block_run(struct shard *s, const struct cmd_def *def, int argc, const struct resp_arg *argv,
	      int db, int resp, const struct resp_arg *key, struct rbuf *out, int dry)
{
	enum kind k = kind_of(def);
	struct cmd_ctx c;
	memset(&c, 0, sizeof(c));
	c.sh = s;
	c.db = db;
	c.resp = (uint8_t)resp;
	c.now = shard_mstime();
	if (dry && k == K_XREAD) {
		/* Streams: the client reads again itself (its IDs, its group). */
		struct kv *kv = db_find(&c, key->ptr, key->len, NULL);
		return kv && kv_type(kv) == OBJ_STREAM ? 2 : 0;
	}
	if (dry) {
		struct kv *kv = db_find(&c, key->ptr, key->len, NULL);
		if (!kv || kv_type(kv) != (is_list_kind(k) ? OBJ_LIST : OBJ_ZSET))
			return 0;
		if (k == K_LMOVE || k == K_RPOPLPUSH) {
			const struct resp_arg *dst = &argv[2];
			if (shard_of_slot(slot_of(dst->ptr, dst->len)) != s->id)
				return 2;
			struct kv *dkv = db_find(&c, dst->ptr, dst->len, NULL);
			if (dkv && kv_type(dkv) != OBJ_LIST)
				return 0;
		}
		return 1;
	}
	return run_op(&c, k, argc, argv, key, out) > 0;
}

/* The shared body: try the keys in order, else block. */
static void block_generic(struct cmd_ctx *c, int tpos, int first, int last)
{
	long long deadline;
	if (block_parse_timeout(c, &c->argv[tpos], &deadline))
		return;
	enum kind k = kind_of(c->def);
	for (int i = first; i <= last; i++) {
		int r = run_op(c, k, c->argc, c->argv, &c->argv[i], c->out);
		if (r != 0)
			return;         /* served at once, or an error */
	}
	if (c->in_exec || !c->cl) {
		/* Inside MULTI/EXEC a blocking command does not block. */
		reply_null_array(c->out);
		return;
	}
	int keys[256];
	int n = 0;
	for (int i = first; i <= last && n < 256; i++)
		keys[n++] = i;
	block_client(c, keys, n, deadline);
}

void cmd_blpop(struct cmd_ctx *c) { block_generic(c, c->argc - 1, 1, c->argc - 2); }
void cmd_brpop(struct cmd_ctx *c) { block_generic(c, c->argc - 1, 1, c->argc - 2); }
void cmd_bzpopmin(struct cmd_ctx *c) { block_generic(c, c->argc - 1, 1, c->argc - 2); }
void cmd_bzpopmax(struct cmd_ctx *c) { block_generic(c, c->argc - 1, 1, c->argc - 2); }
void cmd_blmove(struct cmd_ctx *c) { block_generic(c, 5, 1, 1); }
void cmd_brpoplpush(struct cmd_ctx *c) { block_generic(c, 3, 1, 1); }

/* BLMPOP/BZMPOP timeout numkeys key... : validate like LMPOP/ZMPOP first. */
static void mpop_generic(struct cmd_ctx *c)
{
	long long deadline;
	if (block_parse_timeout(c, &c->argv[1], &deadline))
		return;
	/* Let the non-blocking form validate numkeys/direction/count and try
	 * every key: its reply is ours unless it found nothing. */
	const struct cmd_def *d = cmd_lookup(c->def->name + 1, strlen(c->def->name) - 1);
	struct cmd_ctx sc = *c;
	sc.def = d;
	sc.argc = c->argc - 1;
	sc.argv = c->argv + 1;
	size_t mark = c->out->len;
	uint32_t errs = c->out->errors;
	d->fn(&sc);
	if (c->out->errors != errs || !empty_reply(c->out, mark))
		return;
	if (c->in_exec || !c->cl)
		return;         /* keep the null reply */
	c->out->len = mark;     /* drop it: we block instead */
	long long nk;
	arg_ll(&c->argv[2], &nk);
	int keys[256];
	int n = 0;
	for (int i = 3; i < 3 + nk && n < 256; i++)
		keys[n++] = i;
	block_client(c, keys, n, deadline);
}

void cmd_blmpop(struct cmd_ctx *c) { mpop_generic(c); }
void cmd_bzmpop(struct cmd_ctx *c) { mpop_generic(c); }

/* Keys of B?MPOP: timeout numkeys key... */
int getkeys_bmpop(int argc, const struct resp_arg *argv, int *keys, int max)
{
	long long nk;
	if (argc < 3 || arg_ll(&argv[2], &nk) || nk < 1 || nk > argc - 3)
		return 0;
	int n = 0;
	for (int i = 3; i < 3 + nk && n < max; i++)
		keys[n++] = i;
	return n;
}

/* A cross-shard BLMOVE was woken: run it again as a fresh command. */
void block_retry_command(struct client *cl, int argc, struct resp_arg *argv)
{
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	cmd.argc = argc;
	cmd.argv = argv;
	cmd.cap = (size_t)argc;
	exec_command(cl, &cmd);
	cmd.argv = cmd.small;   /* not ours to free */
	resp_cmd_deinit(&cmd);
}
