/*
 * libFuzzer target: the inter-process framing and every typed decoder.
 * The input is what a sibling process could write on a channel; nothing
 * in it may crash, hang or read out of bounds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "decode_all.h"
#include "msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan c;
	struct msg m;
	const char *why;

	/* a channel that accepts everything, with no fd ever present */
	chan_init(&c, -1, "fuzz", CHAN_MSG_MAX, ~0ULL, 0);
	if (size > c.rcap)
		size = c.rcap;
	memcpy(c.rbuf, data, size);
	c.rend = size;
	while (chan_get(&c, &m, &why) == 1)
		decode_any(&m);
	chan_free(&c);
	return 0;
}
