/* cmd_conn.c — connection commands: PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT.
 *
 * Thread: the client's shard (these are CMD_CLIENT or keyless: always inline).
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/client.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/multi.h>
#include <petrel/pubsub.h>
#include <petrel/watch.h>
#include <petrel/server.h>

#include <limits.h>
#include <string.h>

extern int stats_monitors;

void cmd_ping(struct cmd_ctx *c)
{
	if (c->argc > 2) {
		reply_error(c->out, "ERR wrong number of arguments for 'ping' command");
		return;
	}
	/* Pub/Sub: a RESP2 subscriber gets [pong, <arg or "">]. */
	if (c->cl && c->cl->resp == 2 && pubsub_client_active(c->cl)) {
		reply_array(c->out, 2);
		reply_bulk(c->out, "pong", 4);
		if (c->argc == 2)
			reply_bulk(c->out, c->argv[1].ptr, c->argv[1].len);
		else
			reply_bulk(c->out, "", 0);
		return;
	}
	if (c->argc == 2)
		reply_bulk(c->out, c->argv[1].ptr, c->argv[1].len);
	else
		rbuf_append(c->out, "+PONG\r\n", 7);
}

void cmd_echo(struct cmd_ctx *c)
{
	reply_bulk(c->out, c->argv[1].ptr, c->argv[1].len);
}

void cmd_quit(struct cmd_ctx *c)
{
	reply_ok(c->out);
	c->cl->flags |= CL_CLOSE_AFTER;
}

void cmd_reset(struct cmd_ctx *c)
{
	struct client *cl = c->cl;
	multi_discard(cl);
	pubsub_client_reset(c->sh, cl);  /* Pub/Sub: RESET leaves every subscription */
	watch_release(cl);
	if (cl->flags & CL_MONITOR)
		__atomic_sub_fetch(&stats_monitors, 1, __ATOMIC_RELAXED);
	cl->db = 0;
	cl->resp = 2;
	cl->out.resp = 2;
	c->out->resp = 2;
	cl->flags &= ~(CL_MONITOR | CL_REPLY_OFF | CL_REPLY_SKIP | CL_REPLY_SKIP_NEXT |
		       CL_NO_EVICT | CL_NO_TOUCH);
	if (srv.requirepass)
		cl->flags &= ~CL_AUTHED;
	if (cl->name) {
		pfree(cl->name);
		cl->name = NULL;
	}
	reply_simple(c->out, "RESET");
}

static int check_password(const struct resp_arg *user, const struct resp_arg *pass)
{
	if (user && !(user->len == 7 && !memcmp(user->ptr, "default", 7)))
		return 0;
	if (!srv.requirepass)
		return 1;  /* default user with nopass accepts any password */
	size_t n = strlen(srv.requirepass);
	return pass->len == n && !memcmp(pass->ptr, srv.requirepass, n);
}

void cmd_auth(struct cmd_ctx *c)
{
	if (c->argc > 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc == 2 && !srv.requirepass) {
		reply_error(c->out, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
		return;
	}
	const struct resp_arg *user = c->argc == 3 ? &c->argv[1] : NULL;
	const struct resp_arg *pass = &c->argv[c->argc - 1];
	if (!check_password(user, pass)) {
		reply_error(c->out, "WRONGPASS invalid username-password pair or user is disabled.");
		return;
	}
	c->cl->flags |= CL_AUTHED;
	reply_ok(c->out);
}

int client_name_valid(const struct resp_arg *a);
int client_name_valid(const struct resp_arg *a)
{
	for (size_t i = 0; i < a->len; i++)
		if (a->ptr[i] < '!' || a->ptr[i] > '~')
			return 0;
	return 1;
}

void client_set_name(struct client *cl, const struct resp_arg *a);

void cmd_hello(struct cmd_ctx *c)
{
	struct client *cl = c->cl;
	long long ver = 0;
	int i = 1;
	if (c->argc >= 2) {
		if (arg_ll(&c->argv[1], &ver)) {
			reply_error(c->out, "ERR Protocol version is not an integer or out of range");
			return;
		}
		if (ver < 2 || ver > 3) {
			reply_error(c->out, "NOPROTO unsupported protocol version");
			return;
		}
		i = 2;
	}
	const struct resp_arg *user = NULL, *pass = NULL, *name = NULL;
	for (; i < c->argc; i++) {
		int more = c->argc - i - 1;
		if (ARGIS(c, i, "auth") && more >= 2) {
			user = &c->argv[i + 1];
			pass = &c->argv[i + 2];
			i += 2;
		} else if (ARGIS(c, i, "setname") && more >= 1) {
			name = &c->argv[i + 1];
			i += 1;
		} else {
			reply_errorf(c->out, "ERR Syntax error in HELLO option '%.*s'",
				     (int)c->argv[i].len, c->argv[i].ptr);
			return;
		}
	}
	if (user) {
		if (!check_password(user, pass)) {
			reply_error(c->out, "WRONGPASS invalid username-password pair or user is disabled.");
			return;
		}
		cl->flags |= CL_AUTHED;
	}
	if (!(cl->flags & CL_AUTHED)) {
		reply_error(c->out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
		return;
	}
	if (name) {
		if (!client_name_valid(name)) {
			reply_error(c->out, "ERR Client names cannot contain spaces, newlines or special characters.");
			return;
		}
		client_set_name(cl, name);
	}
	if (ver) {
		cl->resp = (uint8_t)ver;
		cl->out.resp = (uint8_t)ver;
		c->out->resp = (uint8_t)ver;
	}
	struct rbuf *o = c->out;
	reply_map(o, 7);
	reply_bulk_str(o, "server");
	reply_bulk_str(o, "redis");
	reply_bulk_str(o, "version");
	reply_bulk_str(o, PETREL_VERSION);
	reply_bulk_str(o, "proto");
	reply_int(o, cl->resp);
	reply_bulk_str(o, "id");
	reply_int(o, (long long)cl->id);
	reply_bulk_str(o, "mode");
	reply_bulk_str(o, "standalone");
	reply_bulk_str(o, "role");
	reply_bulk_str(o, "master");
	reply_bulk_str(o, "modules");
	reply_array(o, 0);
}

void cmd_select(struct cmd_ctx *c)
{
	long long id;
	if (arg_ll(&c->argv[1], &id)) {
		reply_error(c->out, ERR_NOT_INT);
		return;
	}
	/* getIntFromObjectOrReply first, then the DB range. */
	if (id < INT_MIN || id > INT_MAX) {
		reply_error(c->out, "ERR value is out of range, value must between -2147483648 and 2147483647");
		return;
	}
	if (id < 0 || id >= ks_ndbs) {
		reply_error(c->out, "ERR DB index is out of range");
		return;
	}
	c->cl->db = (int)id;
	reply_ok(c->out);
}
