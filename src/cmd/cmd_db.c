/* cmd_db.c — database-wide commands: DBSIZE, FLUSHDB, FLUSHALL.
 *
 * Thread: FLUSH* run under an all-shard hold (CMD_ALLSHARDS); DBSIZE reads
 * the per-slot counters of every shard racily, which is exact when quiescent.
 */
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/server.h>
#include <petrel/shard.h>

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
