/* t_hll.c — HyperLogLog commands: PFADD, PFCOUNT, PFMERGE.
 *
 * An HLL is a string value holding Redis's exact HYLL bytes (src/ds/hll.c),
 * so DUMP/RDB values move between petrel and Redis. Commands copy the bytes
 * into a working buffer the ds functions may grow, then store the result back
 * as a raw string.
 *
 * Thread: the owner (or holder) of the keys' shards.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/ds/hll.h>
#include <petrel/kv.h>

#include <string.h>

static const char ERR_NOT_HLL[] = "WRONGTYPE Key is not a valid HyperLogLog string value.";
static const char ERR_CORRUPT[] = "INVALIDOBJ Corrupted HLL object detected";

/* The HLL bytes of kv in a fresh working buffer, or NULL after replying. */
static unsigned char *load(struct cmd_ctx *c, const struct kv *kv, size_t *len)
{
	if (kv_type(kv) != OBJ_STRING) {
		reply_error(c->out, ERR_WRONGTYPE);
		return NULL;
	}
	char num[24];
	const char *p = kv_str(kv, len, num);
	if (!hll_validate((const unsigned char *)p, *len, 0)) {
		reply_error(c->out, ERR_NOT_HLL);
		return NULL;
	}
	return pmemdup(p, *len);
}

/* Store the working buffer as key's value (raw string), keeping any TTL;
 * quiet: no keyspace event (PFDEBUG's encoding changes). */
static void store_as(struct cmd_ctx *c, const struct resp_arg *key, struct kv **ref, struct kv *old,
		     unsigned char *h, size_t len, int quiet)
{
	struct sbuf *s = pmalloc(sizeof(*s) + len);
	s->len = len;
	memcpy(s->data, h, len);
	struct kv *nkv = kv_create_ptr(key->ptr, key->len, OBJ_STRING, ENC_RAW, s,
				       old ? kv_expire(old) : -1);
	if (old)
		db_overwrite(c, ref, nkv);
	else
		db_insert_at(c, ref, nkv);
	db_modified(c, key->ptr, key->len);
	if (quiet)
		return;
	if (!old)
		notify_arg(c, NOTIFY_NEW, "new", key);
	notify_arg(c, NOTIFY_STRING, "pfadd", key);  /* PFMERGE too, as Redis */
}

static void store(struct cmd_ctx *c, const struct resp_arg *key, struct kv **ref, struct kv *old,
		  unsigned char *h, size_t len)
{
	store_as(c, key, ref, old, h, len, 0);
}

static size_t sparse_max(void)
{
	return cfg.hll_sparse_max_bytes ? cfg.hll_sparse_max_bytes : HLL_SPARSE_MAX_BYTES_DEFAULT;
}

/* Max of the registers of every HLL in argv[1..]: a fresh array, or NULL
 * after replying (not an HLL, or corrupt). *dense: some input was dense. */
static uint8_t *merge_args(struct cmd_ctx *c, int *dense)
{
	*dense = 0;
	uint8_t *regs = pcalloc(HLL_REGISTERS, 1);
	for (int i = 1; i < c->argc; i++) {
		struct kv *kv = db_read(c, &c->argv[i]);
		if (!kv)
			continue;
		size_t len;
		unsigned char *h = load(c, kv, &len);
		if (!h) {
			pfree(regs);
			return NULL;
		}
		*dense |= !hll_is_sparse(h);
		int r = hll_merge_registers(regs, h, len);
		pfree(h);
		if (r == HLL_ERR_INVALID) {
			pfree(regs);
			reply_error(c->out, ERR_CORRUPT);
			return NULL;
		}
	}
	return regs;
}

void cmd_pfadd(struct cmd_ctx *c)
{
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	size_t len;
	unsigned char *h = kv ? load(c, kv, &len) : hll_create(&len);
	if (!h)
		return;
	int updated = kv == NULL;
	for (int i = 2; i < c->argc; i++) {
		int r = hll_add(&h, &len, (const unsigned char *)c->argv[i].ptr, c->argv[i].len, sparse_max());
		if (r == HLL_ERR_INVALID) {
			pfree(h);
			reply_error(c->out, ERR_CORRUPT);
			return;
		}
		updated |= r;
	}
	/* Redis counts creating the key as an update, which invalidates the
	 * cached cardinality (the top bit of the header's last byte) even when
	 * no element was added. */
	if (!kv)
		h[HLL_HDR_SIZE - 1] |= 0x80;
	if (updated)
		store(c, &c->argv[1], ref, kv, h, len);
	pfree(h);
	reply_int(c->out, updated);
}

void cmd_pfcount(struct cmd_ctx *c)
{
	if (c->argc == 2) {
		struct kv **ref;
		struct kv *kv = db_write(c, &c->argv[1], &ref);
		if (!kv) {
			reply_int(c->out, 0);
			return;
		}
		size_t len;
		unsigned char *h = load(c, kv, &len);
		if (!h)
			return;
		uint64_t card;
		if (hll_count(h, len, &card) == HLL_ERR_INVALID) {
			pfree(h);
			reply_error(c->out, ERR_CORRUPT);
			return;
		}
		/* The count refreshed the cached cardinality in the header: keep it. */
		char num[24];
		size_t olen;
		const char *old = kv_str(kv, &olen, num);
		if (olen == len && memcmp(old, h, len) != 0 && kv_enc(kv) == ENC_RAW)
			memcpy(((struct sbuf *)kv_ptr(kv))->data, h, len);
		pfree(h);
		reply_int(c->out, (long long)card);
		return;
	}
	int dense;
	uint8_t *regs = merge_args(c, &dense);
	if (!regs)
		return;
	reply_int(c->out, (long long)hll_count_registers(regs));
	pfree(regs);
}

void cmd_pfmerge(struct cmd_ctx *c)
{
	int dense;
	uint8_t *regs = merge_args(c, &dense);
	if (!regs)
		return;
	struct kv **ref;
	struct kv *dst = db_write(c, &c->argv[1], &ref);
	size_t len;
	unsigned char *h;
	if (dst) {
		h = load(c, dst, &len);     /* validated above as a source already */
		if (!h) {
			pfree(regs);
			return;
		}
	} else {
		h = hll_create(&len);
	}
	if (hll_store_registers(&h, &len, regs, dense, sparse_max()) == HLL_ERR_INVALID) {
		pfree(h);
		pfree(regs);
		reply_error(c->out, ERR_CORRUPT);
		return;
	}
	store(c, &c->argv[1], ref, dst, h, len);
	pfree(h);
	pfree(regs);
	reply_ok(c->out);
}

/* PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is checked before the
 * subcommand, as Redis does; GETREG and TODENSE leave the value dense. */
void cmd_pfdebug(struct cmd_ctx *c)
{
	const struct resp_arg *sub = &c->argv[1];
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[2], &ref);
	if (!kv) {
		reply_error(c->out, "ERR The specified key does not exist");
		return;
	}
	size_t len;
	unsigned char *h = load(c, kv, &len);
	if (!h)
		return;
	int getreg = arg_is(sub, "getreg"), todense = arg_is(sub, "todense");
	if (!getreg && !todense && !arg_is(sub, "decode") && !arg_is(sub, "encoding")) {
		reply_errorf(c->out, "ERR Unknown PFDEBUG subcommand '%.*s'", (int)sub->len, sub->ptr);
	} else if (c->argc != 3) {
		reply_errorf(c->out, "ERR Wrong number of arguments for the '%.*s' subcommand",
			     (int)sub->len, sub->ptr);
	} else if (getreg || todense) {
		int conv = hll_is_sparse(h);
		if (conv) {
			if (hll_sparse_to_dense(&h, &len)) {
				reply_error(c->out, ERR_CORRUPT);
				pfree(h);
				return;
			}
			store_as(c, &c->argv[2], ref, kv, h, len, 1);
		}
		if (todense) {
			reply_int(c->out, conv);
		} else {
			reply_array(c->out, HLL_REGISTERS);
			for (long i = 0; i < HLL_REGISTERS; i++)
				reply_int(c->out, hll_dense_get(h, i));
		}
	} else if (arg_is(sub, "encoding")) {
		reply_simple(c->out, hll_is_sparse(h) ? "sparse" : "dense");
	} else if (!hll_is_sparse(h)) {
		reply_error(c->out, "ERR HLL encoding is not sparse");
	} else {
		size_t n;
		char *text = hll_sparse_text(h, len, &n);
		reply_bulk(c->out, text, n);
		pfree(text);
	}
	pfree(h);
}

void cmd_pfselftest(struct cmd_ctx *c)
{
	char err[128];
	if (hll_selftest(err, sizeof(err)))
		reply_error(c->out, err);
	else
		reply_ok(c->out);
}
