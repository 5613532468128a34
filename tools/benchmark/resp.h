/* resp.h — incremental, allocation-free RESP2/RESP3 reply scanner.
 *
 * The benchmark never builds reply objects: it only needs to know where each
 * reply ends, whether it is an error (and its text, for MOVED/ASK and the
 * error report), whether it is a null, and whether it is an out-of-band push.
 * The scanner validates the syntax as it goes (type bytes, lengths, CRLFs,
 * integer digits) so a reply is only ever counted once it arrived whole and
 * well-formed.
 *
 * It is resumable: when the data ends inside a reply, every element already
 * complete is consumed and remembered (aggregate depth, elements left, bulk
 * bytes left), so a large reply never has to be buffered or rescanned whole.
 */
#ifndef PETREL_BENCH_RESP_H
#define PETREL_BENCH_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESP_MAX_DEPTH 32

struct resp_scanner {
	int depth;                         /* open aggregates */
	int64_t left[RESP_MAX_DEPTH];      /* elements still expected in each */
	bool attr[RESP_MAX_DEPTH];         /* frame is a RESP3 attribute */
	int64_t skip;                      /* bulk payload bytes + CRLF still to come */
	char top;                          /* type byte of the reply being scanned, 0 if none */
	bool started;
	bool null;                         /* reply is a null */
};

struct resp_reply {
	char type;                         /* top-level type byte: + - : $ * _ , # ( ! = % ~ > */
	bool error;                        /* '-' or '!' */
	bool null;                         /* $-1, *-1, _ */
	bool push;                         /* '>' out-of-band push, not a reply */
	const char *msg;                   /* error text (for '-' and a whole '!'), else NULL */
	size_t msg_len;
};

enum { RESP_INCOMPLETE = 0, RESP_COMPLETE = 1, RESP_PROTOCOL_ERROR = -1 };

void resp_init(struct resp_scanner *s);

/* Scan buf[0..len). Returns RESP_COMPLETE when one whole top-level reply was
 * read (*used = its bytes that lay in buf; *out describes it; msg points into
 * buf), RESP_INCOMPLETE when buf ends inside a reply (*used = bytes consumed;
 * keep buf[*used..len) and call again with more data appended), or
 * RESP_PROTOCOL_ERROR. */
int resp_scan(struct resp_scanner *s, const char *buf, size_t len, size_t *used,
	      struct resp_reply *out);

/* Formats argv as a RESP multibulk request into a malloc'd buffer. */
char *resp_format(int argc, const char *const *argv, const size_t *lens, size_t *out_len);

#endif
