/* cluster.h — --cluster: the masters, who owns which slot, and a hash tag
 * for every slot so a request can be aimed at any slot. */
#ifndef PETREL_BENCH_CLUSTER_H
#define PETREL_BENCH_CLUSTER_H

#include <stdint.h>

#include "args.h"
#include "sync.h"

#define CLUSTER_SLOTS 16384

struct cluster_node {
	char *id;
	struct endpoint ep;
	int nslots;
};

struct cluster {
	int nnodes;
	struct cluster_node *nodes;
	_Atomic int16_t owner[CLUSTER_SLOTS];   /* node index, -1 = none */
	char tags[CLUSTER_SLOTS][3];            /* 3-byte hash tag of each slot */
};

uint16_t crc16_xmodem(const char *buf, size_t len);
/* Slot of a key, honouring {hash tags} like the server. */
unsigned key_slot(const char *key, size_t len);

/* Parses a CLUSTER NODES payload into c (masters with slots only).
 * Returns the number of masters, or -1 on a malformed line. */
int cluster_parse_nodes(struct cluster *c, const char *text);

/* Fetches the layout from the node at `seed`; prints the redis-benchmark
 * messages. 0 or -1. */
int cluster_fetch(struct cluster *c, const struct endpoint *seed, const struct bench_config *cfg);
void cluster_free(struct cluster *c);

/* Fills c->tags: a 3-character hash tag for every slot. */
void cluster_build_tags(struct cluster *c);

/* Index of the node at ip:port, or -1. */
int cluster_find_node(const struct cluster *c, const char *ip, int port);

/* Next slot owned by `node`, scanning on from *cursor. -1 if it owns none. */
int cluster_next_slot(struct cluster *c, int node, uint32_t *cursor);

/* Applies "MOVED <slot> <ip>:<port>" (or ASK: then nothing changes).
 * Returns 0 when understood, -1 otherwise. */
int cluster_redirect(struct cluster *c, const char *msg, size_t len);

#endif
