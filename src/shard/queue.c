/* queue.c — the shard-to-shard message rings and wake-ups.
 *
 * Thread: shard_send runs on the sending shard; draining on the receiver.
 *
 * DESIGN: one ck_ring SPSC per ordered pair (in[from] on the receiver), so a
 * pair's messages arrive in send order. Wake-up is coalesced: a receiver
 * publishes `sleeping` before blocking and re-checks its rings afterwards; a
 * sender writes the eventfd only when it sees `sleeping` and wins the
 * `wake_pending` flag. Both sides put a full fence between their store and
 * their load (Dekker), so a message is never left unseen while the receiver
 * sleeps.
 */
#include <petrel/shard.h>
#include <petrel/alloc.h>
#include <petrel/log.h>

#include <stdlib.h>
#include <unistd.h>

static void wake(struct shard *t)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&t->sleeping, __ATOMIC_RELAXED))
		return;
	if (__atomic_exchange_n(&t->wake_pending, 1, __ATOMIC_ACQ_REL))
		return;
	uint64_t one = 1;
	ssize_t w = write(t->efd, &one, sizeof(one));
	(void)w;
}

static int try_enqueue(struct shard *self, int to, struct msg *m)
{
	struct shard *t = &shards[to];
	return ck_ring_enqueue_spsc(&t->in[self->id], t->in_buf[self->id], m);
}

void shard_send(int to, struct msg *m)
{
	struct shard *self = shard_self();
	m->from = (uint16_t)self->id;
	m->next = NULL;
	self->stats.cross_msgs++;
	/* Keep pair order: once something spilled, everything goes behind it. */
	if (self->overflow_head || !try_enqueue(self, to, m)) {
		struct msg **pp = &self->overflow_head;
		while (*pp)
			pp = &(*pp)->next;
		*pp = m;
		m->from = (uint16_t)to;  /* while spilled, `from` holds the destination */
		return;
	}
	wake(&shards[to]);
}

/* Retry spilled sends, in order. Called every loop turn. */
void shard_flush_overflow(struct shard *self);
void shard_flush_overflow(struct shard *self)
{
	while (self->overflow_head) {
		struct msg *m = self->overflow_head;
		int to = m->from;
		m->from = (uint16_t)self->id;
		if (!try_enqueue(self, to, m)) {
			m->from = (uint16_t)to;
			wake(&shards[to]);
			return;
		}
		self->overflow_head = m->next;
		m->next = NULL;
		wake(&shards[to]);
	}
}

void shard_call(int to, struct msg_call *m)
{
	m->hdr.type = MSG_CALL;
	shard_send(to, &m->hdr);
}

struct msg *shard_take_message(struct shard *s)
{
	for (int i = 0; i < nshards; i++) {
		void *p;
		if (ck_ring_dequeue_spsc(&s->in[i], s->in_buf[i], &p))
			return p;
	}
	return NULL;
}

void shard_stash(struct shard *s, struct msg *m)
{
	m->next = NULL;
	if (s->stash_tail)
		s->stash_tail->next = m;
	else
		s->stash_head = m;
	s->stash_tail = m;
}

static struct msg *unstash(struct shard *s)
{
	struct msg *m = s->stash_head;
	if (m) {
		s->stash_head = m->next;
		if (!s->stash_head)
			s->stash_tail = NULL;
		m->next = NULL;
	}
	return m;
}

void shard_poll_messages(struct shard *s)
{
	/* Stashed first: they arrived earlier than anything still on a ring. */
	for (;;) {
		struct msg *m = unstash(s);
		if (!m)
			break;
		shard_handle_message(s, m);
	}
	/* Bounded per turn so a flood of messages cannot starve our sockets. */
	for (int round = 0; round < 64; round++) {
		int got = 0;
		for (int i = 0; i < nshards; i++) {
			void *p;
			for (int k = 0; k < 32 && ck_ring_dequeue_spsc(&s->in[i], s->in_buf[i], &p); k++) {
				got = 1;
				shard_handle_message(s, p);
				/* A hold may have stashed messages: run them in order. */
				struct msg *st;
				while ((st = unstash(s)))
					shard_handle_message(s, st);
			}
		}
		if (!got)
			break;
	}
}

int shard_rings_pending(struct shard *s);
int shard_rings_pending(struct shard *s)
{
	if (s->stash_head)
		return 1;
	for (int i = 0; i < nshards; i++)
		if (ck_ring_size(&s->in[i]))
			return 1;
	return 0;
}
