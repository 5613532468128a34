/* loop.h — private interface between the shard loop and client I/O.
 *
 * Thread: the calling shard.
 */
#ifndef PETREL_SERVER_LOOP_H
#define PETREL_SERVER_LOOP_H

#include <petrel/client.h>
#include <petrel/shard.h>

#include <liburing.h>

/* user_data = pointer | tag (pointers are 8-aligned). */
enum { TAG_RECV = 0, TAG_SEND = 1, TAG_ACCEPT = 2, TAG_WAKE = 3, TAG_TIMER = 4, TAG_IGNORE = 5 };

static inline uint64_t loop_tag(const void *p, int tag) { return (uint64_t)(uintptr_t)p | (uint64_t)tag; }

/* An SQE; submits first if the SQ is full. Never NULL. */
struct io_uring_sqe *loop_sqe(struct shard *s);
void loop_want_flush(struct shard *s, struct client *cl);
void loop_forget_client(struct shard *s, struct client *cl);
void loop_return_buffer(struct shard *s, unsigned bid);

/* client.c */
struct client *client_create(struct shard *s, int fd, int is_unix);
void client_close(struct shard *s, struct client *cl);
void client_process_input(struct shard *s, struct client *cl);
void client_on_recv(struct shard *s, struct client *cl, struct io_uring_cqe *cqe);
void client_on_send(struct shard *s, struct client *cl, struct io_uring_cqe *cqe);
void client_flush(struct shard *s, struct client *cl);
void client_unstop(struct shard *s, struct client *cl);

/* cron.c */
void cron_run(struct shard *s);

/* listen.c */
int listen_setup(void);
void listen_teardown(void);

#endif
