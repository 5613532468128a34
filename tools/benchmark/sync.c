/* sync.c — blocking set-up client; see sync.h. */
#include "sync.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "resp.h"

int endpoint_init(struct endpoint *ep, const char *host, int port, const char *path)
{
	memset(ep, 0, sizeof(*ep));
	if (path) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ep->addr;
		if (strlen(path) >= sizeof(un->sun_path))
			return -1;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, path);
		ep->addrlen = sizeof(*un);
		ep->name = strdup(path);
		return 0;
	}
	struct addrinfo hints = {0}, *res = NULL;
	char portstr[16];
	if (!host)
		host = "127.0.0.1";
	snprintf(portstr, sizeof(portstr), "%d", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc || !res) {
		fprintf(stderr, "Could not connect to Redis at %s:%d: %s\n", host, port,
			gai_strerror(rc));
		return -1;
	}
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	size_t hl = strlen(host);
	ep->name = malloc(hl + 16);
	memcpy(ep->name, host, hl);
	snprintf(ep->name + hl, 16, ":%d", port);
	ep->ip = strdup(host);
	ep->port = port;
	return 0;
}

void endpoint_free(struct endpoint *ep)
{
	free(ep->name);
	free(ep->ip);
	ep->name = ep->ip = NULL;
}

int sync_connect(const struct endpoint *ep)
{
	int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) < 0) {
		fprintf(stderr, "Could not connect to Redis at %s: %s\n", ep->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (ep->addr.ss_family != AF_UNIX) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

int sync_command(int fd, int argc, const char **argv, char **reply, size_t *len)
{
	size_t lens[16], reqlen;
	if (argc > 16)
		return -1;
	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	char *req = resp_format(argc, (const char *const *)argv, lens, &reqlen);
	size_t off = 0;
	while (off < reqlen) {
		ssize_t n = write(fd, req + off, reqlen - off);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			free(req);
			return -1;
		}
		off += (size_t)n;
	}
	free(req);
	size_t cap = 4096, have = 0, scanned = 0;
	char *buf = malloc(cap + 1);
	struct resp_scanner sc;
	struct resp_reply r;
	resp_init(&sc);
	for (;;) {
		if (have > scanned) {
			size_t used;
			int rc = resp_scan(&sc, buf + scanned, have - scanned, &used, &r);
			if (rc == RESP_PROTOCOL_ERROR)
				break;
			scanned += used;
			if (rc == RESP_COMPLETE) {
				buf[scanned] = 0;
				*reply = buf;
				*len = scanned;
				return 0;
			}
		}
		if (have == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	free(buf);
	return -1;
}

int sync_open(const struct endpoint *ep, const struct bench_config *cfg)
{
	int fd = sync_connect(ep);
	if (fd < 0 || !cfg->auth)
		return fd;
	const char *argv[3] = {"AUTH", cfg->user ? cfg->user : cfg->auth, cfg->auth};
	char *reply = NULL, *err = NULL;
	size_t len;
	if (sync_command(fd, cfg->user ? 3 : 2, argv, &reply, &len)) {
		fprintf(stderr, "ERROR: failed to fetch reply from %s\n", ep->name);
		close(fd);
		return -1;
	}
	if (reply[0] == '-') {
		free(reply_bulk(reply, len, &err));
		fprintf(stderr, "Node %s replied with error:\n%s\n", ep->name, err ? err : "");
		free(err);
		free(reply);
		close(fd);
		return -1;
	}
	free(reply);
	return fd;
}

/* Reads "<type><int>\r\n" at *p; returns the int or -2 on mismatch. */
static long long header(const char **p, const char *end, char type)
{
	if (*p >= end || **p != type)
		return -2;
	char *e;
	long long v = strtoll(*p + 1, &e, 10);
	if (e + 1 >= end || e[0] != '\r' || e[1] != '\n')
		return -2;
	*p = e + 2;
	return v;
}

char *reply_bulk(const char *reply, size_t len, char **err)
{
	const char *p = reply, *end = reply + len;
	if (err)
		*err = NULL;
	if (len && reply[0] == '-') {
		const char *nl = memchr(reply, '\r', len);
		if (err && nl)
			*err = strndup(reply + 1, (size_t)(nl - reply - 1));
		return NULL;
	}
	long long n = header(&p, end, reply[0] == '=' ? '=' : '$');
	if (n < 0 || p + n > end)
		return NULL;
	if (reply[0] == '=' && n >= 4) {   /* "txt:" prefix of a verbatim string */
		p += 4;
		n -= 4;
	}
	return strndup(p, (size_t)n);
}

char *reply_array_item(const char *reply, size_t len, int idx)
{
	const char *p = reply, *end = reply + len;
	long long n = header(&p, end, '*');
	if (n <= idx)
		return NULL;
	for (int i = 0; i <= idx; i++) {
		long long bl = header(&p, end, '$');
		if (bl < 0 || p + bl + 2 > end)
			return NULL;
		if (i == idx)
			return strndup(p, (size_t)bl);
		p += bl + 2;
	}
	return NULL;
}
