/* stats.h — errorstats, slowlog and MONITOR feed.
 *
 * Thread: each shard records into its own tables; readers (INFO, SLOWLOG GET)
 * merge them, under an all-shard hold where exactness matters.
 */
#ifndef PETREL_SERVER_STATS_H
#define PETREL_SERVER_STATS_H

#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/shard.h>

/* rbuf on_error hook: arg is the struct shard whose errorstats count it. */
void stats_on_error(void *arg, const char *msg, size_t len);
void stats_slowlog_maybe(struct cmd_ctx *c, long long dur_us);
void stats_monitor_feed(struct client *cl, const struct resp_cmd *cmd);

#endif
