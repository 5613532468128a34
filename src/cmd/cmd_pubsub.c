/* cmd_pubsub.c — SUBSCRIBE/UNSUBSCRIBE, PSUBSCRIBE/PUNSUBSCRIBE,
 * SSUBSCRIBE/SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB <subcommand>.
 *
 * Thread: the (un)subscribe commands run on the client's shard (CMD_CLIENT,
 * routed ROUTE_LOCAL). PUBLISH/SPUBLISH run under an all-shard hold while
 * anyone is subscribed (route_publish), else inline and reply 0. PUBSUB is
 * CMD_ALLSHARDS. The tables and delivery are in src/server/pubsub.c.
 */
#include <petrel/cmd.h>
#include <petrel/client.h>
#include <petrel/pubsub.h>
#include <petrel/resp.h>

void subcmd_syntax(struct cmd_ctx *c, const char *container);
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);

static void subscribe_each(struct cmd_ctx *c, int kind)
{
	for (int i = 1; i < c->argc; i++)
		pubsub_subscribe(c->cl, c->out, kind, c->argv[i].ptr, c->argv[i].len);
}

static void unsubscribe_each(struct cmd_ctx *c, int kind)
{
	if (c->argc == 1) {
		pubsub_unsubscribe(c->cl, c->out, kind, NULL, 0);
		return;
	}
	for (int i = 1; i < c->argc; i++)
		pubsub_unsubscribe(c->cl, c->out, kind, c->argv[i].ptr, c->argv[i].len);
}

void cmd_subscribe(struct cmd_ctx *c) { subscribe_each(c, PUBSUB_CHANNEL); }
void cmd_psubscribe(struct cmd_ctx *c) { subscribe_each(c, PUBSUB_PATTERN); }
void cmd_ssubscribe(struct cmd_ctx *c) { subscribe_each(c, PUBSUB_SHARD); }
void cmd_unsubscribe(struct cmd_ctx *c) { unsubscribe_each(c, PUBSUB_CHANNEL); }
void cmd_punsubscribe(struct cmd_ctx *c) { unsubscribe_each(c, PUBSUB_PATTERN); }
void cmd_sunsubscribe(struct cmd_ctx *c) { unsubscribe_each(c, PUBSUB_SHARD); }

/* (S)SUBSCRIBE and friends run where the client lives, whatever shard the
 * shard channels' slots map to (they are not keys in standalone mode). */
int route_pubsub_local(int argc, const struct resp_arg *argv)
{
	(void)argc;
	(void)argv;
	return ROUTE_LOCAL;
}

/* Nobody subscribed: no hold, the handler replies 0 (linearized at this
 * load). Otherwise hold every shard so delivery is atomic and ordered. */
int route_publish(int argc, const struct resp_arg *argv)
{
	(void)argc;
	(void)argv;
	return pubsub_any() ? ROUTE_ALL : ROUTE_LOCAL;
}

int route_spublish(int argc, const struct resp_arg *argv)
{
	(void)argc;
	(void)argv;
	return pubsub_any_shard() ? ROUTE_ALL : ROUTE_LOCAL;
}

static void publish(struct cmd_ctx *c, int kind)
{
	/* Not every shard held: the route saw no subscriber at all. */
	if (!pubsub_all_held(c)) {
		reply_int(c->out, 0);
		return;
	}
	reply_int(c->out, pubsub_publish_all(kind, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr,
					     c->argv[2].len));
}

void cmd_publish(struct cmd_ctx *c) { publish(c, PUBSUB_CHANNEL); }
void cmd_spublish(struct cmd_ctx *c) { publish(c, PUBSUB_SHARD); }

static const char *const pubsub_help[] = {
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
};

static void list_channels(struct cmd_ctx *c, int kind)
{
	if (c->argc > 3) {
		subcmd_syntax(c, "PUBSUB");
		return;
	}
	size_t pos = reply_defer(c->out);
	long n = c->argc == 3 ? pubsub_list_channels(kind, c->argv[2].ptr, c->argv[2].len, c->out)
			      : pubsub_list_channels(kind, NULL, 0, c->out);
	reply_set_deferred(c->out, pos, '*', n);
}

static void numsub(struct cmd_ctx *c, int kind)
{
	reply_array(c->out, (long)(c->argc - 2) * 2);
	for (int i = 2; i < c->argc; i++) {
		reply_bulk(c->out, c->argv[i].ptr, c->argv[i].len);
		reply_int(c->out, pubsub_numsub(kind, c->argv[i].ptr, c->argv[i].len));
	}
}

void cmd_pubsub(struct cmd_ctx *c)
{
	if (ARGIS(c, 1, "help"))
		subcmd_help(c, "PUBSUB", pubsub_help,
			    (int)(sizeof(pubsub_help) / sizeof(pubsub_help[0])));
	else if (ARGIS(c, 1, "channels"))
		list_channels(c, PUBSUB_CHANNEL);
	else if (ARGIS(c, 1, "shardchannels"))
		list_channels(c, PUBSUB_SHARD);
	else if (ARGIS(c, 1, "numsub"))
		numsub(c, PUBSUB_CHANNEL);
	else if (ARGIS(c, 1, "shardnumsub"))
		numsub(c, PUBSUB_SHARD);
	else if (ARGIS(c, 1, "numpat"))
		reply_int(c->out, pubsub_numpat());
	else
		subcmd_syntax(c, "PUBSUB");
}
