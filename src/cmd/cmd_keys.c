/* cmd_keys.c — generic keyspace commands.
 *
 * Thread: owner/holder of the keys' shards (see cmd.h).
 */
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/shard.h>

void cmd_del(struct cmd_ctx *c)
{
	long long n = 0;
	for (int i = 1; i < c->argc; i++) {
		if (db_delete(c, c->argv[i].ptr, c->argv[i].len)) {
			db_modified(c, c->argv[i].ptr, c->argv[i].len);
			n++;
		}
	}
	reply_int(c->out, n);
}

void cmd_exists(struct cmd_ctx *c)
{
	long long n = 0;
	for (int i = 1; i < c->argc; i++)
		if (db_find(c, c->argv[i].ptr, c->argv[i].len, NULL))
			n++;
	reply_int(c->out, n);
}
