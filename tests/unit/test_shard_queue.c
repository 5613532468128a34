/* test_shard_queue.c — the shard-to-shard message rings: per-pair order across
 * threads, spill to the overflow list when a ring is full (order kept), and
 * the eventfd wake-up of a sleeping receiver.
 *
 * Thread: the test plays two shard threads with real pthreads; no shard loop
 * runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <petrel/alloc.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

struct server_state srv;        /* defined by main.c in the server */
void shard_flush_overflow(struct shard *self);

struct num_msg {
	struct msg hdr;
	long n;
};

#define COUNT 200000

static int setup(void **state)
{
	(void)state;
	return shard_setup(2) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	shard_current = NULL;
	return 0;
}

static void *producer(void *arg)
{
	(void)arg;
	shard_current = &shards[0];
	for (long i = 0; i < COUNT; i++) {
		struct num_msg *m = pmalloc(sizeof(*m));
		m->hdr.type = MSG_CALL;
		m->n = i;
		shard_send(1, &m->hdr);
		if ((i & 1023) == 0)
			shard_flush_overflow(&shards[0]);
	}
	/* Whatever spilled goes out as the consumer makes room. */
	while (shards[0].overflow_head)
		shard_flush_overflow(&shards[0]);
	return NULL;
}

static void test_queue_pair_order_across_threads(void **state)
{
	(void)state;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, NULL), 0);
	struct shard *me = &shards[1];
	long expect = 0;
	while (expect < COUNT) {
		struct msg *m = shard_take_message(me);
		if (!m)
			continue;
		assert_int_equal(m->from, 0);
		assert_int_equal(((struct num_msg *)m)->n, expect);
		expect++;
		pfree(m);
	}
	pthread_join(t, NULL);
	assert_null(shard_take_message(me));
}

static void test_queue_overflow_keeps_order(void **state)
{
	(void)state;
	shard_current = &shards[0];
	/* No consumer: more than a ring holds must spill, in order. */
	long total = SHARD_RING_SIZE + 500;
	for (long i = 0; i < total; i++) {
		struct num_msg *m = pmalloc(sizeof(*m));
		m->hdr.type = MSG_CALL;
		m->n = i;
		shard_send(1, &m->hdr);
	}
	assert_non_null(shards[0].overflow_head);
	long expect = 0;
	while (expect < total) {
		struct msg *m = shard_take_message(&shards[1]);
		if (!m) {
			shard_flush_overflow(&shards[0]);
			continue;
		}
		assert_int_equal(((struct num_msg *)m)->n, expect);
		expect++;
		pfree(m);
	}
	assert_null(shards[0].overflow_head);
}

static void test_queue_wakes_sleeping_receiver(void **state)
{
	(void)state;
	shard_current = &shards[0];
	uint64_t v;
	/* No earlier test slept, so no wake-up is pending on the eventfd. */
	__atomic_store_n(&shards[1].sleeping, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&shards[1].wake_pending, 0, __ATOMIC_SEQ_CST);
	struct num_msg *m = pmalloc(sizeof(*m));
	m->hdr.type = MSG_CALL;
	m->n = 1;
	shard_send(1, &m->hdr);
	/* The eventfd now reads non-zero; a second send is coalesced. */
	struct num_msg *m2 = pmalloc(sizeof(*m2));
	m2->hdr.type = MSG_CALL;
	m2->n = 2;
	shard_send(1, &m2->hdr);
	assert_int_equal(read(shards[1].efd, &v, sizeof(v)), (ssize_t)sizeof(v));
	assert_int_equal(v, 1);
	__atomic_store_n(&shards[1].sleeping, 0, __ATOMIC_SEQ_CST);
	pfree(shard_take_message(&shards[1]));
	pfree(shard_take_message(&shards[1]));
	assert_null(shard_take_message(&shards[1]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_pair_order_across_threads),
		cmocka_unit_test(test_queue_overflow_keeps_order),
		cmocka_unit_test(test_queue_wakes_sleeping_receiver),
	};
	return cmocka_run_group_tests_name("shard_queue", tests, setup, teardown);
}
