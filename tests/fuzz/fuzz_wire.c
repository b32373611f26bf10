/*
 * libFuzzer target: a datagram from the dedicated link, walked and decoded
 * as the sync worker does (sync-worker/wire.c).  Whatever arrives must be
 * counted or accepted, never crash or read out of bounds; an accepted
 * entry must re-encode.  The same bytes as a TCP stream: what
 * wire_incomplete() lets through is never counted as truncated.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* As tcp_link.c reads a stream: a cut message waits, never truncated. */
static void
as_stream(const uint8_t *data, size_t size)
{
	struct wire_counters c;

	memset(&c, 0, sizeof(c));
	while (size > 0 && !wire_incomplete(data, size)) {
		struct wire_msg m;
		int deliver;
		size_t step = wire_next(data, size, &m, &deliver, &c);

		if (c.truncated != 0 || step > size)
			abort();
		if (step == 0)
			break;		/* a bad length: the stream is closed */
		data += step;
		size -= step;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_counters c;
	struct wire_opts opt = { 1, 0 };
	uint8_t out[WIRE_MSG_MAX];

	as_stream(data, size);
	memset(&c, 0, sizeof(c));
	while (size > 0) {
		struct wire_msg m;
		struct ctobj o;
		struct ctexp x;
		int deliver;
		size_t step = wire_next(data, size, &m, &deliver, &c);

		if (step == 0)
			break;
		if (deliver && wire_classify(&m) == WK_DATA &&
		    m.type >= WIRE_EXP_NEW && wire_get_exp(&m, &x) == 0 &&
		    wire_put_exp(out, sizeof(out), m.type, 0, m.seq, &x,
		    &opt) == 0)
			abort();	/* a valid expectation must encode */
		if (deliver && wire_classify(&m) == WK_DATA &&
		    m.type <= WIRE_CT_DEL && wire_get_ct(&m, &o) == 0 &&
		    wire_put_ct(out, sizeof(out), m.type, 0, m.seq, &o,
		    &opt) == 0)
			abort();	/* a valid entry must always encode */
		data += step;
		size -= step;
	}
	return 0;
}
