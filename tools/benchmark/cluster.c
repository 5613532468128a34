/* cluster.c — see cluster.h. */
#include "cluster.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint16_t crc16_xmodem(const char *buf, size_t len)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t)((uint8_t)buf[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

unsigned key_slot(const char *key, size_t len)
{
	size_t s, e;
	for (s = 0; s < len; s++)
		if (key[s] == '{')
			break;
	if (s < len) {
		for (e = s + 1; e < len; e++)
			if (key[e] == '}')
				break;
		if (e < len && e != s + 1)
			return crc16_xmodem(key + s + 1, e - s - 1) & (CLUSTER_SLOTS - 1);
	}
	return crc16_xmodem(key, len) & (CLUSTER_SLOTS - 1);
}

/* Finds, for each slot, a 3-character tag hashing to it. Characters exclude
 * the braces, so "{xyz}" is always a complete hash tag. */
void cluster_build_tags(struct cluster *c)
{
	static const char cs[] = "0123456789abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+-./:;<=>?@[]^_|~";
	const int n = (int)sizeof(cs) - 1;
	static bool have[CLUSTER_SLOTS];
	int left = CLUSTER_SLOTS;
	memset(have, 0, sizeof(have));
	for (int a = 0; a < n && left; a++)
		for (int b = 0; b < n && left; b++)
			for (int d = 0; d < n && left; d++) {
				char t[3] = {cs[a], cs[b], cs[d]};
				unsigned slot = crc16_xmodem(t, 3) & (CLUSTER_SLOTS - 1);
				if (!have[slot]) {
					have[slot] = true;
					memcpy(c->tags[slot], t, 3);
					left--;
				}
			}
}

static void add_slots(struct cluster *c, int node, const char *spec)
{
	if (spec[0] == '[')
		return;                 /* migrating/importing marker */
	int a, b;
	if (sscanf(spec, "%d-%d", &a, &b) == 2) {
	} else if (sscanf(spec, "%d", &a) == 1) {
		b = a;
	} else {
		return;
	}
	for (int s = a; s <= b && s < CLUSTER_SLOTS; s++) {
		if (s < 0)
			continue;
		atomic_store(&c->owner[s], (int16_t)node);
		c->nodes[node].nslots++;
	}
}

int cluster_parse_nodes(struct cluster *c, const char *text)
{
	for (int s = 0; s < CLUSTER_SLOTS; s++)
		atomic_store(&c->owner[s], (int16_t)-1);
	char *copy = strdup(text), *save = NULL;
	int rc = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8], *fs = NULL, *tok;
		int nf = 0;
		char *rest = line;
		while (nf < 8 && (tok = strtok_r(nf ? NULL : rest, " \r", &fs)))
			f[nf++] = tok;
		if (nf == 0)
			continue;
		if (nf < 8) {
			rc = -1;
			break;
		}
		if (strstr(f[2], "slave") || strstr(f[2], "replica") || f[3][0] != '-' ||
		    strstr(f[2], "fail") || strstr(f[2], "noaddr"))
			continue;
		char *addr = f[1], *at = strchr(addr, '@'), *colon;
		if (at)
			*at = 0;
		colon = strrchr(addr, ':');
		if (!colon) {
			rc = -1;
			break;
		}
		*colon = 0;
		int port = atoi(colon + 1);
		c->nodes = realloc(c->nodes, (size_t)(c->nnodes + 1) * sizeof(*c->nodes));
		struct cluster_node *nd = &c->nodes[c->nnodes];
		memset(nd, 0, sizeof(*nd));
		nd->id = strdup(f[0]);
		const char *ip = addr[0] ? addr : "127.0.0.1";
		if (endpoint_init(&nd->ep, ip, port, NULL)) {
			rc = -1;
			break;
		}
		int idx = c->nnodes++;
		char *spec;
		while ((spec = strtok_r(NULL, " \r", &fs)))
			add_slots(c, idx, spec);
		if (nd->nslots == 0) {
			printf("WARNING: master node %s:%d has no slots, skipping...\n", ip, port);
			free(nd->id);
			endpoint_free(&nd->ep);
			c->nnodes--;
		}
	}
	free(copy);
	return rc ? -1 : c->nnodes;
}

int cluster_fetch(struct cluster *c, const struct endpoint *seed, const struct bench_config *cfg)
{
	int fd = sync_open(seed, cfg);
	if (fd < 0)
		return -1;
	const char *argv[] = {"CLUSTER", "NODES"};
	char *reply = NULL, *err = NULL;
	size_t len;
	int rc = -1;
	if (sync_command(fd, 2, argv, &reply, &len) == 0) {
		char *text = reply_bulk(reply, len, &err);
		if (err)
			fprintf(stderr, "Cluster node %s replied with error:\n%s\n", seed->name, err);
		else if (text && cluster_parse_nodes(c, text) > 0)
			rc = 0;
		else if (text)
			fprintf(stderr, "Invalid CLUSTER NODES reply.\n");
		free(text);
		free(err);
	}
	free(reply);
	close(fd);
	if (rc == 0)
		cluster_build_tags(c);
	return rc;
}

void cluster_free(struct cluster *c)
{
	for (int i = 0; i < c->nnodes; i++) {
		free(c->nodes[i].id);
		endpoint_free(&c->nodes[i].ep);
	}
	free(c->nodes);
	c->nodes = NULL;
	c->nnodes = 0;
}

int cluster_find_node(const struct cluster *c, const char *ip, int port)
{
	for (int i = 0; i < c->nnodes; i++)
		if (c->nodes[i].ep.port == port && c->nodes[i].ep.ip && !strcmp(c->nodes[i].ep.ip, ip))
			return i;
	return -1;
}

int cluster_next_slot(struct cluster *c, int node, uint32_t *cursor)
{
	for (int tries = 0; tries < CLUSTER_SLOTS; tries++) {
		uint32_t s = (*cursor)++ & (CLUSTER_SLOTS - 1);
		if (atomic_load_explicit(&c->owner[s], memory_order_relaxed) == node)
			return (int)s;
	}
	return -1;
}

int cluster_redirect(struct cluster *c, const char *msg, size_t len)
{
	char buf[128], ip[96];
	int slot, port;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, msg, len);
	buf[len] = 0;
	bool moved = !strncmp(buf, "MOVED ", 6);
	if (!moved && strncmp(buf, "ASK ", 4))
		return -1;
	char *sp = strchr(buf, ' ');
	if (sscanf(sp + 1, "%d %95s", &slot, ip) != 2 || slot < 0 || slot >= CLUSTER_SLOTS)
		return -1;
	char *colon = strrchr(ip, ':');
	if (!colon)
		return -1;
	*colon = 0;
	port = atoi(colon + 1);
	int node = cluster_find_node(c, ip[0] ? ip : "127.0.0.1", port);
	if (node < 0)
		return -1;
	if (moved)
		atomic_store_explicit(&c->owner[slot], (int16_t)node, memory_order_relaxed);
	return 0;
}
