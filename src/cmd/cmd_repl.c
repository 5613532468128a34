/* cmd_repl.c — replication and cluster commands as a standalone master
 * answers them: ROLE, WAIT, and the cluster connection commands (READONLY,
 * READWRITE, ASKING), which a server without cluster support refuses.
 *
 * DESIGN: petrel has no replicas yet, so the figures are those of a master
 * with none: ROLE says master at offset 0 (INFO replication agrees); WAIT
 * counts no acknowledgements, so it answers 0 at once when asked for none
 * and otherwise blocks until its timeout (0 = for ever, as in Redis),
 * CLIENT UNBLOCK or the disconnect, then answers 0.
 *
 * Thread: the client's shard.
 */
#include <petrel/block.h>
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/db.h>

void cmd_role(struct cmd_ctx *c)
{
	reply_array(c->out, 3);
	reply_bulk(c->out, "master", 6);
	reply_int(c->out, 0);
	reply_array(c->out, 0);
}

void cmd_wait(struct cmd_ctx *c)
{
	long long n, timeout;
	if (arg_ll_or_reply(c, &c->argv[1], &n) || arg_ll_or_reply(c, &c->argv[2], &timeout))
		return;
	if (timeout < 0) {
		reply_error(c->out, "ERR timeout is negative");
		return;
	}
	/* no replica acknowledges anything; inside EXEC nothing may block */
	if (n <= 0 || c->in_exec || !c->cl) {
		reply_int(c->out, 0);
		return;
	}
	block_client_keyless(c, timeout ? c->now + timeout : 0, ":0\r\n");
}

void cmd_cluster_disabled(struct cmd_ctx *c)
{
	reply_error(c->out, "ERR This instance has cluster support disabled");
}
