/* cmd_db.c — database-wide commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.
 *
 * Thread: FLUSH* and SWAPDB run under an all-shard hold (CMD_ALLSHARDS), so
 * they may touch every slot and swap the db pointers; DBSIZE reads
 * the per-slot counters of every shard racily, which is exact when quiescent.
 */
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/server.h>
#include <petrel/shard.h>
#include <petrel/watch.h>

#include <limits.h>

void cmd_dbsize(struct cmd_ctx *c)
{
	reply_int(c->out, (long long)ks_db_keys(c->db));
}

/* Parse [ASYNC|SYNC]; returns -1 after replying on a syntax error. */
static int flush_mode(struct cmd_ctx *c)
{
	if (c->argc == 1)
		return 0;
	if (c->argc == 2 && (ARGIS(c, 1, "async") || ARGIS(c, 1, "sync")))
		return 0;
	reply_error(c->out, ERR_SYNTAX);
	return -1;
}

static void flush_db(int db)
{
	watch_touch_db(db);     /* before: only keys that exist count */
	for (unsigned s = 0; s < SLOT_COUNT; s++)
		ks_flush_slot(db, s);
}

void cmd_flushdb(struct cmd_ctx *c)
{
	if (flush_mode(c))
		return;
	flush_db(c->db);
	__atomic_add_fetch(&srv.dirty, 1, __ATOMIC_RELAXED);
	reply_ok(c->out);
}

void cmd_flushall(struct cmd_ctx *c)
{
	if (flush_mode(c))
		return;
	for (int db = 0; db < ks_ndbs; db++)
		flush_db(db);
	__atomic_add_fetch(&srv.dirty, 1, __ATOMIC_RELAXED);
	reply_ok(c->out);
}

/* Parse a DB index as Redis's getIntFromObjectOrReply does: any non-int
 * (including out of int range) gets `err`. Returns -1 after replying. */
static int db_index(struct cmd_ctx *c, int i, const char *err, long long *v)
{
	if (arg_ll(&c->argv[i], v) || *v < INT_MIN || *v > INT_MAX) {
		reply_error(c->out, err);
		return -1;
	}
	return 0;
}

/* SWAPDB a b: every client selected on a now sees b's data and vice versa,
 * because clients hold a db number and ks_dbs[] is what is swapped. */
void cmd_swapdb(struct cmd_ctx *c)
{
	long long a, b;
	if (db_index(c, 1, "ERR invalid first DB index", &a) ||
	    db_index(c, 2, "ERR invalid second DB index", &b))
		return;
	if (a < 0 || a >= ks_ndbs || b < 0 || b >= ks_ndbs) {
		reply_error(c->out, "ERR DB index is out of range");
		return;
	}
	if (a != b) {
		watch_touch_db((int)a);
		watch_touch_db((int)b);
		ks_swap((int)a, (int)b);
		watch_touch_db((int)a);
		watch_touch_db((int)b);
		__atomic_add_fetch(&srv.dirty, 1, __ATOMIC_RELAXED);
	}
	reply_ok(c->out);
}
