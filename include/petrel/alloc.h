/* alloc.h — the one door to the allocator (mimalloc) with used-memory accounting.
 *
 * Every allocation in petrel goes through these functions. Each thread counts the
 * usable bytes it allocates and frees in a thread-local counter; INFO's used_memory
 * is the sum over threads (alloc_used_memory()). A block freed by another thread
 * than the one that allocated it is fine: the freeing thread's counter goes down,
 * the sum stays right.
 *
 * Thread: any. Counters are per thread; alloc_used_memory() reads them racily,
 * which is good enough for INFO and maxmemory (approximate by design).
 *
 * Out of memory: the *_nofail functions never return NULL; they log and abort
 * like Redis's zmalloc_oom_handler, since a half-built structure is worse.
 */
#ifndef PETREL_ALLOC_H
#define PETREL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *pmalloc(size_t size);                 /* never NULL */
void *pcalloc(size_t n, size_t size);       /* never NULL, zeroed */
void *prealloc(void *p, size_t size);       /* never NULL; p may be NULL */
void pfree(void *p);                        /* p may be NULL */
char *pstrdup(const char *s);
void *pmemdup(const void *p, size_t n);
size_t palloc_size(const void *p);          /* usable size of a live block */

/* Register the calling thread's counter so alloc_used_memory() sums it.
 * Call once at thread start (main thread registers itself in alloc_setup). */
void alloc_thread_register(void);
void alloc_setup(void);
/* Sum of all registered threads' live bytes. */
size_t alloc_used_memory(void);
/* Bytes the process holds from the OS (RSS), read from /proc/self/statm. */
size_t alloc_rss(void);

#endif
