/*
 * The sync worker's caches (sync-worker/cache.c, cache_pack.c): objects
 * come back exactly as stored from the packed form, lookups find them as
 * the table grows, the send queue follows objects that move or go away,
 * and the limits are counted.  Run under AddressSanitizer by
 * tools/test.sh, so a queue left pointing at freed memory fails here.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>

#include "cache.h"
#include "cache_pack.h"
#include "tap.h"

static const uint8_t test_key[CACHE_HASH_KEY_LEN] = "0123456789abcdef";

static struct ctobj
tcp4(uint32_t i)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_TCP;
	o.orig.src.v4 = htonl(0x0a000000 | i);
	o.orig.dst.v4 = htonl(0x0ac80001);
	o.orig.sport = 1000;
	o.orig.dport = 80;
	o.reply.src = o.orig.dst;
	o.reply.dst = o.orig.src;
	o.reply.sport = 80;
	o.reply.dport = 1000;
	o.status = 0x0e;
	o.timeout = 600;
	o.mark = i;
	o.id = i * 3;
	o.state = 3;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_REPLY) | CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) |
	    CT_BIT(CT_A_MARK) | CT_BIT(CT_A_ID) | CT_BIT(CT_A_TCP_STATE);
	return o;
}

/* One of everything, over IPv6. */
static struct ctobj
everything6(void)
{
	struct ctobj o;
	int i;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET6;
	o.l4proto = IPPROTO_TCP;
	for (i = 0; i < 16; i++) {
		o.orig.src.v6[i] = (uint8_t)i;
		o.orig.dst.v6[i] = (uint8_t)(0x80 + i);
		o.reply.src.v6[i] = (uint8_t)(0x40 + i);	/* DNAT */
		o.reply.dst.v6[i] = (uint8_t)i;
		o.snat.v6[i] = (uint8_t)(0x20 + i);
		o.dnat.v6[i] = (uint8_t)(0x40 + i);
		o.master.src.v6[i] = (uint8_t)(0x10 + i);
		o.master.dst.v6[i] = (uint8_t)(0x30 + i);
	}
	o.orig.sport = 1;
	o.orig.dport = 2;
	o.reply.sport = 3;
	o.reply.dport = 1;
	o.master_family = AF_INET6;
	o.master_l4proto = IPPROTO_TCP;
	o.master.sport = 4;
	o.master.dport = 21;
	o.status = 1;
	o.timeout = 2;
	o.mark = 3;
	o.secmark = 4;
	o.id = 5;
	o.state = 6;
	o.wscale_orig = 7;
	o.wscale_repl = 8;
	o.zone = 9;
	o.spat = 10;
	o.dpat = 11;
	for (i = 0; i < 6; i++)
		o.seqadj[i] = (uint32_t)(100 + i);
	for (i = 0; i < 3; i++)
		o.synproxy[i] = (uint32_t)(200 + i);
	o.nlabels = 4;
	o.labels[0] = 1;
	o.labels[3] = 0x80000000u;
	strcpy(o.helper, "ftp-longest-nam");
	o.packets[0] = 3;
	o.bytes[1] = UINT64_C(1) << 40;
	o.attrs = CT_BIT(CT_A_COUNTERS) | CT_BIT(CT_A_IPV6) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_REPLY) | CT_BIT(CT_A_MASTER_IPV6) |
	    CT_BIT(CT_A_MASTER_L4PROTO) | CT_BIT(CT_A_MASTER_PORT) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_MARK) |
	    CT_BIT(CT_A_SECMARK) | CT_BIT(CT_A_ID) | CT_BIT(CT_A_TCP_STATE) |
	    CT_BIT(CT_A_TCP_WSCALE_ORIG) | CT_BIT(CT_A_TCP_WSCALE_REPL) |
	    CT_BIT(CT_A_ZONE) | CT_BIT(CT_A_SNAT_IPV6) | CT_BIT(CT_A_DNAT_IPV6) |
	    CT_BIT(CT_A_SPAT_PORT) | CT_BIT(CT_A_DPAT_PORT) |
	    CT_BIT(CT_A_NAT_SEQ_ADJ) | CT_BIT(CT_A_SYNPROXY) |
	    CT_BIT(CT_A_LABELS) | CT_BIT(CT_A_HELPER_NAME);
	return o;
}

static struct ctobj
icmp4(void)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_ICMP;
	o.orig.src.v4 = htonl(0xc0a8010c);
	o.orig.dst.v4 = htonl(0xc0a80216);
	o.orig.icmp_type = 8;
	o.orig.icmp_id = 4660;
	o.timeout = 30;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) |
	    CT_BIT(CT_A_ICMP_TYPE) | CT_BIT(CT_A_ICMP_CODE) |
	    CT_BIT(CT_A_ICMP_ID) | CT_BIT(CT_A_TIMEOUT);
	return o;
}

static int
round_trips(const struct ctobj *o, size_t *len)
{
	uint8_t packed[CACHE_PACK_MAX];
	struct ctobj back;

	*len = cache_pack(o, packed);
	cache_unpack(packed, &back);
	return *len <= CACHE_PACK_MAX && memcmp(&back, o, sizeof(back)) == 0;
}

static void
test_pack(void)
{
	struct ctobj o = tcp4(5);
	size_t len;

	ok(round_trips(&o, &len), "TCP/IPv4 with its reply tuple round trips");
	ok(len <= 48, "... in %zu bytes (a struct ctobj is %zu)", len,
	    sizeof(struct ctobj));
	o.reply.dst.v4 = htonl(0xcb007109);	/* SNAT: not the inverse */
	ok(round_trips(&o, &len), "a NATed reply tuple round trips");
	o.attrs &= ~CT_BIT(CT_A_REPLY);
	memset(&o.reply, 0, sizeof(o.reply));
	ok(round_trips(&o, &len), "without a reply tuple (external cache)");
	o = everything6();
	ok(round_trips(&o, &len), "IPv6 with every field round trips");
	ok(len < sizeof(struct ctobj), "... in %zu bytes", len);
	o = icmp4();
	ok(round_trips(&o, &len), "ICMP type, code and id round trip");
}

static int
count_queue(struct cache *c)
{
	struct cache_obj *co;
	int n = 0;

	TAILQ_FOREACH(co, &c->txq, tx)
		n++;
	return n;
}

static void
test_lookup_and_growth(void)
{
	struct cache c;
	struct ctobj o;
	uint32_t i, found = 0, buckets;

	cache_init(&c, "test", 16, 1000000, test_key);
	for (i = 0; i < 100000; i++) {
		o = tcp4(i);
		cache_upsert(&c, &o, 1);
	}
	buckets = c.nbuckets;
	ok(c.count == 100000 && c.st.created == 100000, "100000 created");
	ok(buckets >= c.count, "the table grew with them (%u buckets)",
	    buckets);
	for (i = 0; i < 100000; i++) {
		struct cache_obj *co;

		o = tcp4(i);
		if ((co = cache_find(&c, &o)) != NULL) {
			struct ctobj back;

			cache_obj_get(co, &back);
			found += memcmp(&back, &o, sizeof(o)) == 0;
		}
	}
	ok(found == 100000, "each found, as stored (%u)", found);
	for (i = 0; i < 100000; i += 2) {
		o = tcp4(i);
		cache_delete(&c, &o);
	}
	o = tcp4(2);
	ok(c.count == 50000 && cache_find(&c, &o) == NULL,
	    "deleted ones are gone");
	o = tcp4(3);
	ok(cache_find(&c, &o) != NULL, "the others stay");
	ok(cache_delete(&c, &(struct ctobj){ .family = AF_INET }) == -1 &&
	    c.st.destroy_notfound == 1, "deleting an unknown one is counted");
	o = tcp4(3);
	o.orig.sport = 1001;		/* another identity */
	ok(cache_find(&c, &o) == NULL, "the key includes the ports");
	o = tcp4(3);
	o.zone = 1;
	o.attrs |= CT_BIT(CT_A_ZONE);
	ok(cache_find(&c, &o) == NULL, "... and the zone");
	cache_free(&c);
}

static void
test_queue(void)
{
	struct cache c;
	struct ctobj o, back;
	struct cache_obj *a, *b, *d, *moved;
	int i;

	cache_init(&c, "test", 4, 100, test_key);
	o = tcp4(1);
	a = cache_upsert(&c, &o, 1);
	o = tcp4(2);
	b = cache_upsert(&c, &o, 1);
	o = tcp4(3);
	d = cache_upsert(&c, &o, 1);
	cache_queue(&c, a);
	cache_queue(&c, b);
	cache_queue(&c, d);
	cache_queue(&c, b);
	ok(c.txlen == 3 && count_queue(&c) == 3, "queued once each");
	/* b grows: it moves, and the queue follows it */
	o = everything6();
	o.family = AF_INET;
	o.orig = tcp4(2).orig;
	o.attrs &= ~(CT_BIT(CT_A_IPV6) | CT_BIT(CT_A_SNAT_IPV6) |
	    CT_BIT(CT_A_DNAT_IPV6) | CT_BIT(CT_A_MASTER_IPV6) |
	    CT_BIT(CT_A_MASTER_L4PROTO) | CT_BIT(CT_A_MASTER_PORT) |
	    CT_BIT(CT_A_REPLY));
	o.attrs |= CT_BIT(CT_A_IPV4);
	memset(&o.reply, 0, sizeof(o.reply));
	memset(&o.master, 0, sizeof(o.master));
	memset(&o.snat, 0, sizeof(o.snat));
	memset(&o.dnat, 0, sizeof(o.dnat));
	o.master_family = o.master_l4proto = 0;
	o.zone = 0;
	o.attrs &= ~CT_BIT(CT_A_ZONE);
	moved = cache_upsert(&c, &o, 2);
	ok(moved != NULL && moved->updated && moved->queued,
	    "a bigger update keeps the object queued");
	ok(TAILQ_NEXT(a, tx) == moved && TAILQ_NEXT(moved, tx) == d &&
	    TAILQ_PREV(d, cache_txq, tx) == moved,
	    "the queue points at its new place");
	cache_obj_get(moved, &back);
	ok(memcmp(&back, &o, sizeof(o)) == 0 && !strcmp(back.helper,
	    "ftp-longest-nam"), "with the new fields");
	o = tcp4(3);
	cache_delete(&c, &o);
	ok(c.txlen == 2 && TAILQ_LAST(&c.txq, cache_txq) == moved &&
	    TAILQ_NEXT(moved, tx) == NULL,
	    "a deleted object leaves the queue");
	ok(cache_dequeue(&c) == a && cache_dequeue(&c) == moved &&
	    cache_dequeue(&c) == NULL && c.txlen == 0, "dequeued in order");
	cache_queue(&c, a);
	cache_flush(&c);
	ok(TAILQ_EMPTY(&c.txq) && c.txlen == 0 && c.count == 0,
	    "a flush empties the queue too");
	for (i = 0; i < 101; i++) {
		o = tcp4((uint32_t)i);
		cache_upsert(&c, &o, 3);
	}
	ok(c.count == 100 && c.st.create_nospace == 1,
	    "HashLimit: the 101st is refused and counted");
	cache_free(&c);
}

static int
keep_none(struct cache_obj *co, void *arg)
{
	(void)co;
	(void)arg;
	return 0;
}

static void
test_sweep(void)
{
	struct cache c;
	struct ctobj o;
	uint32_t gone;

	cache_init(&c, "test", 8, 100, test_key);
	o = tcp4(1);
	cache_upsert(&c, &o, 1);
	cache_queue(&c, cache_find(&c, &o));
	o = tcp4(2);
	cache_upsert(&c, &o, 1);
	cache_next_generation(&c, 0, NULL, NULL);
	/* a dump that only saw entry 2 */
	cache_upsert(&c, &o, 2);
	gone = cache_next_generation(&c, 1, keep_none, NULL);
	o = tcp4(1);
	ok(gone == 1 && c.count == 1 && cache_find(&c, &o) == NULL &&
	    c.txlen == 0, "a sweep drops what the dump did not see, queue too");
	o = tcp4(2);
	ok(!cache_obj_differs(cache_find(&c, &o), &o),
	    "an unchanged entry does not differ");
	o.timeout = 5;
	ok(!cache_obj_differs(cache_find(&c, &o), &o),
	    "nor one whose timeout alone changed");
	o.mark = 99;
	ok(cache_obj_differs(cache_find(&c, &o), &o), "a new mark differs");
	cache_free(&c);
}

/* seen[i] counts the visits of tcp4(i), told by its mark */
static int
mark_seen(struct cache_obj *co, void *arg)
{
	uint8_t *seen = arg;
	struct ctobj o;

	cache_obj_get(co, &o);
	seen[o.mark]++;
	return 0;
}

/*
 * A dump in steps (-i paced to its reader): the table grows between two
 * steps, yet each object there from start to end is seen exactly once.
 */
static void
test_walk_by_class(void)
{
	static uint8_t seen[60000];
	struct cache c;
	struct ctobj o;
	uint32_t i, base, cls, once = 0, twice = 0, refused = 0;

	cache_init(&c, "test", 16, 1000000, test_key);
	for (i = 0; i < 20000; i++) {
		o = tcp4(i);
		cache_upsert(&c, &o, 1);
	}
	base = c.nbuckets;
	memset(seen, 0, sizeof(seen));
	for (cls = 0; cls < base; cls++) {
		refused += cache_walk_class(&c, base, cls, mark_seen, seen) != 0;
		if (cls == base / 2)	/* the table grows meanwhile */
			for (i = 20000; i < 60000; i++) {
				o = tcp4(i);
				cache_upsert(&c, &o, 1);
			}
	}
	for (i = 0; i < 20000; i++) {
		once += seen[i] == 1;
		twice += seen[i] > 1;
	}
	ok(c.nbuckets > base, "the table grew during the walk (%u to %u "
	    "buckets)", base, c.nbuckets);
	ok(refused == 0 && once == 20000 && twice == 0, "each object there "
	    "throughout seen "
	    "once (%u once, %u more than once)", once, twice);
	ok(cache_walk_class(&c, base + 1, 0, mark_seen, seen) == -1,
	    "a base the table is no multiple of is refused");
	cache_free(&c);
}

/* FNV-1a, the caches' hash before they were keyed: an attacker's view. */
static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static uint32_t
longest_chain(const struct cache *c)
{
	uint32_t i, n, most = 0;
	struct cache_obj *co;

	for (i = 0; i < c->nbuckets; i++) {
		for (n = 0, co = c->buckets[i]; co; co = co->next)
			n++;
		if (n > most)
			most = n;
	}
	return most;
}

/*
 * Hash flooding: entries chosen so that the old unkeyed hash put them all
 * in one bucket (a peer or remote flows can choose their tuples) spread
 * like random ones under the keyed hash.  Chain lengths, not time.
 */
static void
test_hash_flooding(void)
{
	enum { N = 1000, BUCKETS = 16384 };
	uint8_t key[CACHE_KEY_MAX];
	struct cache crafted, random;
	struct ctobj o;
	uint32_t i, found = 0, want;

	cache_init(&crafted, "crafted", BUCKETS, 1000000, test_key);
	cache_init(&random, "random", BUCKETS, 1000000, test_key);
	o = tcp4(0);
	want = fnv1a(key, cache_pack_key(&o, key)) % BUCKETS;
	for (i = 0; found < N; i++) {
		o = tcp4(i & 0xffffff);
		o.orig.sport = (uint16_t)(1000 + (i >> 24));
		if (fnv1a(key, cache_pack_key(&o, key)) % BUCKETS != want)
			continue;
		cache_upsert(&crafted, &o, 1);
		found++;
	}
	for (i = 0; i < N; i++) {
		o = tcp4(i * 7919 + 3);
		cache_upsert(&random, &o, 1);
	}
	ok(crafted.count == N && crafted.nbuckets == BUCKETS,
	    "%d entries that share one bucket under FNV-1a", N);
	ok(longest_chain(&crafted) <= 4 * longest_chain(&random) + 4,
	    "keyed, their longest chain (%u) is like random entries' (%u)",
	    longest_chain(&crafted), longest_chain(&random));
	cache_free(&crafted);
	cache_free(&random);
}

/* Sum each range from scratch, as a check of the kept digest. */
static int
digest_recomputed(struct cache *c)
{
	uint32_t sums[CACHE_RANGES] = { 0 }, n = 0, i;

	for (i = 0; i < c->nbuckets; i++) {
		struct cache_obj *co;

		for (co = c->buckets[i]; co; co = co->next) {
			struct ctobj o;

			if (co->dead)
				continue;
			cache_obj_get(co, &o);
			sums[CACHE_RANGE_OF(cache_digest_value(&o))] +=
			    cache_digest_value(&o);
			n++;
		}
	}
	return n == c->digest_count &&
	    memcmp(sums, c->digest, sizeof(sums)) == 0;
}

/* The digest (antientropy.c): kept as objects come, change and go; the
 * same on two caches with other hash keys; blind to the timeout. */
static void
test_digest(void)
{
	static const uint8_t other_key[CACHE_HASH_KEY_LEN] = "fedcba9876543210";
	struct cache a, b;
	struct ctobj o;
	struct cache_obj *co;
	uint32_t i, used = 0;

	cache_init(&a, "a", 16, 100000, test_key);
	cache_init(&b, "b", 1024, 100000, other_key);
	a.digest_on = b.digest_on = 1;
	for (i = 0; i < 5000; i++) {
		o = tcp4(i);
		cache_upsert(&a, &o, 1);
		o.timeout = 7;			/* aged elsewhere */
		cache_upsert(&b, &o, 2);
	}
	ok(a.digest_count == 5000 && memcmp(a.digest, b.digest,
	    sizeof(a.digest)) == 0, "two caches of the same 5000 states, other "
	    "keys and sizes, other timeouts: the same digest");
	for (i = 0; i < CACHE_RANGES; i++)
		used += a.digest[i] != 0;
	ok(used > CACHE_RANGES * 9 / 10, "the states spread over the ranges "
	    "(%u of %u used)", used, CACHE_RANGES);
	o = tcp4(17);
	o.mark = 99;
	o.attrs |= CT_BIT(CT_A_MARK);
	cache_upsert(&b, &o, 3);
	ok(memcmp(a.digest, b.digest, sizeof(a.digest)) != 0,
	    "a mark changed in one: they differ");
	o = tcp4(17);
	cache_upsert(&b, &o, 3);
	o = tcp4(4000);
	cache_delete(&b, &o);
	ok(memcmp(a.digest, b.digest, sizeof(a.digest)) != 0 &&
	    b.digest_count == 4999, "one missing: they differ");
	for (i = 0; i < CACHE_RANGES; i++)
		used = a.digest[i] != b.digest[i] ? i : used;
	o = tcp4(4000);
	ok(CACHE_RANGE_OF(cache_digest_value(&o)) == used,
	    "in the range of the missing one");
	co = cache_find(&a, &o);
	cache_mark_dead(&a, co);
	cache_mark_dead(&a, co);
	ok(memcmp(a.digest, b.digest, sizeof(a.digest)) == 0,
	    "a destroyed one, its DEL not sent yet, no longer counts");
	ok(a.count == 5000 && a.dead == 1 && cache_live(&a) == 4999,
	    "... nor is it live, but still an object (marked twice: once)");
	cache_upsert(&a, &o, 4);
	ok(a.digest_count == 5000 && digest_recomputed(&a),
	    "brought back by an update, it counts again");
	ok(a.dead == 0 && cache_live(&a) == 5000, "... and is live again");
	co = cache_find(&a, &o);
	cache_mark_dead(&a, co);
	cache_remove(&a, co);
	ok(a.dead == 0 && a.count == 4999 && cache_live(&a) == 4999,
	    "a dead one removed (its DEL sent) leaves no dead count");
	cache_upsert(&a, &o, 4);
	for (i = 0; i < 5000; i += 3) {
		o = tcp4(i);
		cache_delete(&a, &o);
	}
	for (i = 0; i < 3000; i++) {
		o = tcp4(100000 + i);
		cache_upsert(&a, &o, 5);
	}
	ok(digest_recomputed(&a) && digest_recomputed(&b),
	    "after deletes, inserts and growth the kept digest is the sum");
	cache_flush(&a);
	for (i = 0, used = 0; i < CACHE_RANGES; i++)
		used |= a.digest[i];
	ok(a.digest_count == 0 && used == 0, "a flush empties it");
	cache_free(&a);
	cache_free(&b);
}

/*
 * The digest value of a state is compared between nodes, so its bytes
 * are fixed: these are the values every ctsyncd since the digest came
 * (antientropy.c) gives, whatever the host or the implementation.
 */
static void
test_digest_values(void)
{
	struct ctobj o;
	int i;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_TCP;
	o.orig.src.v4 = htonl(0x0a000001);
	o.orig.dst.v4 = htonl(0xc0a80102);
	o.orig.sport = htons(40000);
	o.orig.dport = htons(443);
	o.state = 3;
	o.mark = 0x1234;
	o.attrs = CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_MARK);
	ok(cache_digest_value(&o) == 0x34888d1au,
	    "digest value of an IPv4 TCP state with a mark: %08x",
	    cache_digest_value(&o));
	memset(&o, 0, sizeof(o));
	o.family = AF_INET6;
	o.l4proto = IPPROTO_UDP;
	for (i = 0; i < 16; i++) {
		o.orig.src.v6[i] = (uint8_t)(i + 1);
		o.orig.dst.v6[i] = (uint8_t)(0xf0 - i);
	}
	o.orig.sport = htons(53);
	o.orig.dport = htons(5353);
	o.zone = 7;
	o.attrs = CT_BIT(CT_A_ZONE);
	ok(cache_digest_value(&o) == 0x6a1c868bu,
	    "... of an IPv6 UDP state in a zone: %08x", cache_digest_value(&o));
	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_ICMP;
	o.orig.src.v4 = htonl(0x0a0a0a0a);
	o.orig.dst.v4 = htonl(0x08080808);
	o.orig.icmp_type = 8;
	o.orig.icmp_id = htons(77);
	ok(cache_digest_value(&o) == 0x71edca73u,
	    "... of an ICMP echo: %08x", cache_digest_value(&o));
}

/*
 * Prepared keys (the backup reads a datagram's states ahead): the same
 * cache as one state at a time, also when the table grows between the
 * preparing and the use of a key, and prefetching changes nothing.
 */
static void
test_prepared(void)
{
	static struct cache_key k[3000];
	static struct ctobj objs[3000];
	struct cache c;
	uint32_t i, found = 0, same = 0;

	cache_init(&c, "test", 16, 1000000, test_key);
	for (i = 0; i < 3000; i++) {
		objs[i] = tcp4(i);
		cache_prepare(&c, &objs[i], &k[i]);
		cache_prefetch(&c, &k[i], 0);
	}
	for (i = 0; i < 3000; i++)
		cache_prefetch(&c, &k[i], 1);
	for (i = 0; i < 3000; i++)
		cache_upsert_prepared(&c, &k[i], &objs[i], 1, 2);
	ok(c.count == 3000 && c.st.created == 3000 && c.nbuckets > 16,
	    "3000 created from keys prepared before the table grew "
	    "(16 to %u buckets)", c.nbuckets);
	for (i = 0; i < 3000; i++) {
		struct cache_obj *co = cache_find(&c, &objs[i]);
		struct ctobj back;

		if (co == NULL)
			continue;
		cache_obj_get(co, &back);
		found++;
		same += memcmp(&back, &objs[i], sizeof(back)) == 0 &&
		    co->owner == 2;
	}
	ok(found == 3000 && same == 3000, "each found by the plain lookup, "
	    "as stored, with its sender (%u, %u)", found, same);
	objs[7].timeout = 99;
	cache_prepare(&c, &objs[7], &k[7]);
	cache_upsert_prepared(&c, &k[7], &objs[7], 2, 2);
	ok(c.count == 3000 && c.st.updated == 1, "a prepared one again: "
	    "an update");
	for (i = 0; i < 3000; i += 2)
		cache_delete_prepared(&c, &k[i]);
	ok(c.count == 1500 && c.st.destroyed == 1500 &&
	    cache_find(&c, &objs[0]) == NULL && cache_find(&c, &objs[1]),
	    "deleted by prepared keys: gone, the others stay");
	ok(cache_delete_prepared(&c, &k[0]) == -1 &&
	    c.st.destroy_notfound == 1, "twice: counted as not found");
	cache_free(&c);
}

int
main(void)
{
	test_prepared();
	test_digest();
	test_digest_values();
	test_hash_flooding();
	test_pack();
	test_lookup_and_growth();
	test_walk_by_class();
	test_queue();
	test_sweep();
	return done_testing();
}
