/* t_stream.h — helpers shared by the stream command files (t_stream.c,
 * t_stream_group.c); not a public header.
 *
 * Thread: the handler's (see cmd.h).
 */
#ifndef PETREL_CMD_T_STREAM_H
#define PETREL_CMD_T_STREAM_H
#include <petrel/cmd.h>
#include <petrel/ds/stream.h>

struct kv;

extern const char *const XERR_INVALID_ID;

/* The stream of a key that db_read/db_write found (type already checked). */
struct stream *xstream(const struct kv *kv);
/* Create an empty stream under argv[key] (absent: ref from db_write). */
struct stream *xstream_create_at(struct cmd_ctx *c, const struct resp_arg *key, struct kv **ref);

/* Strict ID ("ms[-seq]"): 0, or reply the invalid-ID error and -1. */
int xid_parse_strict(struct cmd_ctx *c, const struct resp_arg *a, uint64_t missing_seq,
		     struct stream_id *id);
/* Every argument from argv[from] on as a strict ID, all parsed before any is
 * used (XDEL, XACK). The array (pfree it), or NULL after replying the error. */
struct stream_id *xid_parse_all(struct cmd_ctx *c, int from);
/* Interval ID: "-", "+", "(" exclusive prefix. Replies on error. */
int xid_parse_interval(struct cmd_ctx *c, const struct resp_arg *a, uint64_t missing_seq,
		       struct stream_id *id, int *exclusive);
void reply_xid(struct rbuf *out, const struct stream_id *id);

/* Reply entries start..end (count 0 = all), as Redis's streamReplyWithRange.
 * With a group: '>' semantics (advance last_id, fill PELs unless noack).
 * raw: no array header. Returns the number of entries emitted. */
size_t xreply_range(struct cmd_ctx *c, struct stream *s, const struct stream_id *start,
		    const struct stream_id *end, size_t count, int rev, struct stream_cg *cg,
		    struct stream_consumer *consumer, int noack, int raw);
/* Consumer lookup that refreshes seen_time, creating when absent. */
struct stream_consumer *xconsumer_get(struct cmd_ctx *c, struct stream_cg *cg,
				      const struct resp_arg *name);
void reply_nogroup(struct cmd_ctx *c, const struct resp_arg *key, const struct resp_arg *group);

#endif
