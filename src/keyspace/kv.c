/* kv.c — the one-allocation key/value cell (layout in include/petrel/kv.h).
 *
 * Thread: the owner of the kv's slot.
 */
#include <petrel/kv.h>
#include <petrel/alloc.h>
#include <petrel/resp.h>

#include <stddef.h>

static const struct kv_type_ops *type_ops[16];

void kv_register_type(int type, const struct kv_type_ops *ops) { type_ops[type & 15] = ops; }

const struct kv_type_ops *kv_type_ops_of(int type) { return type_ops[type & 15]; }

static inline size_t varint_len(size_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline size_t varint_put(unsigned char *p, size_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static inline size_t varint_get(const unsigned char *p, size_t *v)
{
	size_t r = 0, n = 0;
	int shift = 0;
	for (;;) {
		unsigned char c = p[n++];
		r |= (size_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
	}
	*v = r;
	return n;
}

static inline const unsigned char *key_area(const struct kv *kv)
{
	return kv->body + ((kv->flags & KV_F_EXPIRE) ? 8 : 0);
}

const char *kv_key(const struct kv *kv, size_t *len)
{
	const unsigned char *p = key_area(kv);
	size_t n = varint_get(p, len);
	return (const char *)p + n;
}

unsigned char *kv_value_area(const struct kv *kv)
{
	size_t klen;
	const char *k = kv_key(kv, &klen);
	return (unsigned char *)k + klen;
}

struct kv *kv_alloc(const char *key, size_t klen, int type, int enc, long long expire,
		    size_t vsize)
{
	size_t hdr = offsetof(struct kv, body) + (expire >= 0 ? 8 : 0);
	struct kv *kv = pmalloc(hdr + varint_len(klen) + klen + vsize);
	kv->next = NULL;
	kv->lru = 0;
	kv->te = (uint8_t)((type & 15) | (enc << 4));
	kv->flags = expire >= 0 ? KV_F_EXPIRE : 0;
	unsigned char *p = kv->body;
	if (expire >= 0) {
		memcpy(p, &expire, 8);
		p += 8;
	}
	p += varint_put(p, klen);
	memcpy(p, key, klen);
	return kv;
}

struct kv *kv_create_string(const char *key, size_t klen, const char *val, size_t vlen,
			    long long expire)
{
	if (vlen > KV_EMBSTR_MAX) {
		struct sbuf *s = pmalloc(sizeof(*s) + vlen);
		s->len = vlen;
		memcpy(s->data, val, vlen);
		return kv_create_ptr(key, klen, OBJ_STRING, ENC_RAW, s, expire);
	}
	struct kv *kv = kv_alloc(key, klen, OBJ_STRING, ENC_EMBSTR, expire, varint_len(vlen) + vlen);
	unsigned char *v = kv_value_area(kv);
	v += varint_put(v, vlen);
	memcpy(v, val, vlen);
	return kv;
}

struct kv *kv_create_int(const char *key, size_t klen, long long val, long long expire)
{
	struct kv *kv = kv_alloc(key, klen, OBJ_STRING, ENC_INT, expire, 8);
	memcpy(kv_value_area(kv), &val, 8);
	return kv;
}

struct kv *kv_create_ptr(const char *key, size_t klen, int type, int enc, void *ptr,
			 long long expire)
{
	struct kv *kv = kv_alloc(key, klen, type, enc, expire, sizeof(void *));
	memcpy(kv_value_area(kv), &ptr, sizeof(void *));
	return kv;
}

void *kv_ptr(const struct kv *kv)
{
	void *p;
	memcpy(&p, kv_value_area(kv), sizeof(p));
	return p;
}

void kv_set_ptr(struct kv *kv, void *ptr) { memcpy(kv_value_area(kv), &ptr, sizeof(ptr)); }

long long kv_int(const struct kv *kv)
{
	long long v;
	memcpy(&v, kv_value_area(kv), 8);
	return v;
}

void kv_set_int(struct kv *kv, long long v) { memcpy(kv_value_area(kv), &v, 8); }

const char *kv_str(const struct kv *kv, size_t *len, char *numbuf)
{
	switch (kv_enc(kv)) {
	case ENC_INT:
		*len = (size_t)resp_ll2str(numbuf, kv_int(kv));
		return numbuf;
	case ENC_EMBSTR: {
		const unsigned char *v = kv_value_area(kv);
		size_t n = varint_get(v, len);
		return (const char *)v + n;
	}
	default: {
		struct sbuf *s = kv_ptr(kv);
		*len = s->len;
		return s->data;
	}
	}
}

/* Size of the value area of kv. */
static size_t value_size(const struct kv *kv)
{
	if (kv_enc(kv) == ENC_EMBSTR) {
		size_t n;
		size_t h = varint_get(kv_value_area(kv), &n);
		return h + n;
	}
	return 8;
}

struct kv *kv_with_expire(struct kv *kv, long long expire)
{
	int had = kv_has_expire(kv);
	if (had && expire >= 0) {
		memcpy(kv->body, &expire, 8);
		return kv;
	}
	if (!had && expire < 0)
		return kv;
	size_t klen;
	const char *key = kv_key(kv, &klen);
	size_t vs = value_size(kv);
	struct kv *n = kv_alloc(key, klen, kv_type(kv), kv_enc(kv), expire, vs);
	memcpy(kv_value_area(n), kv_value_area(kv), vs);
	n->lru = kv->lru;
	n->next = kv->next;
	pfree(kv);      /* the value (if a pointer) moved to n */
	return n;
}

struct kv *kv_clone_key(const struct kv *kv, int type, int enc, size_t vsize)
{
	size_t klen;
	const char *key = kv_key(kv, &klen);
	struct kv *n = kv_alloc(key, klen, type, enc, kv_expire(kv), vsize);
	n->lru = kv->lru;
	return n;
}

static void free_value(const struct kv *kv)
{
	int t = kv_type(kv), e = kv_enc(kv);
	if (t == OBJ_STRING) {
		if (e == ENC_RAW)
			pfree(kv_ptr(kv));
		return;
	}
	if (type_ops[t] && type_ops[t]->free)
		type_ops[t]->free(kv_ptr(kv), e);
}

void kv_free(struct kv *kv)
{
	if (!kv)
		return;
	free_value(kv);
	pfree(kv);
}

struct kv *kv_dup(const struct kv *kv, const char *key, size_t klen, long long expire)
{
	int t = kv_type(kv), e = kv_enc(kv);
	size_t vs = value_size(kv);
	struct kv *n = kv_alloc(key, klen, t, e, expire, vs);
	memcpy(kv_value_area(n), kv_value_area(kv), vs);
	n->lru = kv->lru;
	if (t == OBJ_STRING && e == ENC_RAW) {
		struct sbuf *s = kv_ptr(kv);
		kv_set_ptr(n, pmemdup(s, sizeof(*s) + s->len));
	} else if (t != OBJ_STRING) {
		void *p = type_ops[t] && type_ops[t]->dup ? type_ops[t]->dup(kv_ptr(kv), e) : NULL;
		kv_set_ptr(n, p);
	}
	return n;
}
