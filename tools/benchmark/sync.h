/* sync.h — a tiny blocking RESP client for the few set-up round trips
 * (CONFIG GET save/appendonly, AUTH, CLUSTER NODES) made outside the timed
 * io_uring loops. */
#ifndef PETREL_BENCH_SYNC_H
#define PETREL_BENCH_SYNC_H

#include <stddef.h>
#include <sys/socket.h>

#include "args.h"

struct endpoint {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char *name;            /* "host:port" or the socket path, for messages */
	char *ip;
	int port;
};

/* Resolves host:port (or a unix socket path when `path` is set). 0 or -1. */
int endpoint_init(struct endpoint *ep, const char *host, int port, const char *path);
void endpoint_free(struct endpoint *ep);

/* Connects (blocking); prints redis-benchmark's message and returns -1 on failure. */
int sync_connect(const struct endpoint *ep);

/* Sends one command and reads its whole reply into *reply (malloc'd, NUL
 * terminated raw RESP). Returns 0, or -1 on I/O or protocol error. */
int sync_command(int fd, int argc, const char **argv, char **reply, size_t *len);

/* Connects and authenticates as the benchmark clients will (AUTH [user] pass);
 * prints the error and returns -1 on failure. */
int sync_open(const struct endpoint *ep, const struct bench_config *cfg);

/* For a reply that is a bulk string (or RESP3 verbatim string): a malloc'd copy
 * of the payload, else NULL. For a reply that is an error: NULL and *err set to
 * a malloc'd copy of the message. */
char *reply_bulk(const char *reply, size_t len, char **err);

/* For a flat array of bulk strings: the `idx`-th payload (malloc'd) or NULL. */
char *reply_array_item(const char *reply, size_t len, int idx);

#endif
