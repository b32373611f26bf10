/*
 * libFuzzer target: the caches' compact form (sync-worker/cache_pack.c)
 * of every entry a peer could send.  Each message of a datagram that
 * decodes (sync-worker/wire.c) and passes ctobj_valid() is packed: the
 * form must fit CACHE_PACK_MAX, start with its lookup key, and be a fixed
 * point (unpacked and packed again, the same bytes).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache_pack.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_pack(const struct ctobj *o)
{
	uint8_t p1[CACHE_PACK_MAX + 64], p2[CACHE_PACK_MAX + 64],
	    key[CACHE_KEY_MAX + 16];
	struct ctobj back;
	size_t n1, n2, k;

	memset(p1, 0xa5, sizeof(p1));
	n1 = cache_pack(o, p1);
	if (n1 == 0 || n1 > CACHE_PACK_MAX || p1[CACHE_PACK_MAX] != 0xa5)
		abort();	/* too long, or wrote past its room */
	k = cache_pack_key(o, key);
	if (k == 0 || k > CACHE_KEY_MAX || k != cache_key_len(p1) ||
	    memcmp(key, p1, k) != 0)
		abort();	/* the key is not what the form starts with */
	memset(&back, 0, sizeof(back));
	cache_unpack(p1, &back);
	n2 = cache_pack(&back, p2);
	if (n2 != n1 || memcmp(p1, p2, n1) != 0)
		abort();	/* unpacking lost or changed something */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_counters c;

	memset(&c, 0, sizeof(c));
	while (size > 0) {
		struct wire_msg m;
		struct ctobj o;
		const char *why;
		int deliver;
		size_t step = wire_next(data, size, &m, &deliver, &c);

		if (step == 0)
			break;
		if (deliver && wire_classify(&m) == WK_DATA &&
		    m.type <= WIRE_CT_DEL && wire_get_ct(&m, &o) == 0 &&
		    ctobj_valid(&o, &why) == 0)
			check_pack(&o);
		data += step;
		size -= step;
	}
	return 0;
}
