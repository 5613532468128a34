/* listen.c — listening sockets: TCP on every `bind` address, and `unixsocket`.
 *
 * Thread: main thread, before shards start. Shard 0 accepts on them.
 */
#include "loop.h"

#include <petrel/log.h>
#include <petrel/server.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int add_listener(int fd, int is_unix, const char *addr)
{
	if (srv.nlisteners == MAX_LISTENERS) {
		close(fd);
		return -1;
	}
	struct listener *l = &srv.listeners[srv.nlisteners++];
	l->fd = fd;
	l->is_unix = is_unix;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	return 0;
}

/* Bind one TCP address. Returns 0, -1 on error (logged like Redis). */
int listen_tcp(const char *addr, int port, int backlog);
int listen_tcp(const char *addr, int port, int backlog)
{
	int optional = 0;
	if (addr[0] == '-') {   /* "-::1": skip quietly when unavailable */
		optional = 1;
		addr++;
	}
	char portstr[16];
	snprintf(portstr, sizeof(portstr), "%d", port);
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	const char *shown = addr;
	if (!strcmp(addr, "*")) {
		addr = "0.0.0.0";
		hints.ai_family = AF_INET;
	} else if (!strcmp(addr, "::*")) {
		addr = "::";
		hints.ai_family = AF_INET6;
	}
	int e = getaddrinfo(addr, portstr, &hints, &res);
	if (e) {
		if (optional)
			return 0;
		log_warning("Warning: Could not create server TCP listening socket %s:%d: %s",
			    shown, port, gai_strerror(e));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		if (optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT))
			return 0;
		log_warning("Warning: Could not create server TCP listening socket %s:%d: bind: %s",
			    shown, port, strerror(err));
		return -1;
	}
	freeaddrinfo(res);
	char name[80];
	snprintf(name, sizeof(name), "%s:%d", shown, port);
	return add_listener(fd, 0, name);
}

int listen_unix(const char *path, unsigned perm, int backlog);
int listen_unix(const char *path, unsigned perm, int backlog)
{
	struct sockaddr_un sa = {0};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warning("Failed opening Unix socket: path too long");
		return -1;
	}
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, backlog) < 0) {
		log_warning("Failed opening Unix socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (perm)
		chmod(path, perm);
	return add_listener(fd, 1, path);
}

void listen_teardown(void)
{
	for (int i = 0; i < srv.nlisteners; i++) {
		close(srv.listeners[i].fd);
		if (srv.listeners[i].is_unix)
			unlink(srv.listeners[i].addr);
	}
	srv.nlisteners = 0;
}

int listen_setup(void) { return 0; }
