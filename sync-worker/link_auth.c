/* Sealing and opening the dedicated link's frames: see link_auth.h. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "link_auth.h"

static const uint8_t magic[4] = { 'C', 'T', 'A', '1' };

/* Names a key without saying anything of it: a keyed hash's first bytes. */
static uint32_t
key_id(const uint8_t key[LINK_KEY_LEN])
{
	static const char context[] = "ctsyncd link key id";
	uint8_t h[crypto_generichash_BYTES_MIN];

	crypto_generichash(h, sizeof(h), key, LINK_KEY_LEN,
	    (const uint8_t *)context, sizeof(context) - 1);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void
auth_init(struct link_auth *a, uint64_t start_ms, const uint8_t random[8])
{
	memset(a, 0, sizeof(*a));
	put_be(a->inc, start_ms, 8);
	memcpy(a->inc + 8, random, 8);
}

/* New keys (SIGHUP): the incarnation and its counter go on. */
void
auth_set_keys(struct link_auth *a, const struct link_keys *k)
{
	int i;

	sodium_memzero(a->key, sizeof(a->key));
	a->nkeys = k->n;
	for (i = 0; i < k->n; i++) {
		memcpy(a->key[i], k->key[i], LINK_KEY_LEN);
		a->key_id[i] = key_id(k->key[i]);
	}
	a->on = 1;
}

size_t
auth_seal(struct link_auth *a, const uint8_t *in, size_t len, uint8_t *out)
{
	unsigned long long clen;

	memcpy(out, magic, 4);
	put_be(out + 4, a->key_id[0], 4);
	memcpy(out + 8, a->inc, INCARNATION_LEN);
	put_be(out + 24, ++a->counter, 8);
	a->sealed++;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + AUTH_HEADER_LEN,
	    &clen, in, len, out, AUTH_HEADER_LEN, NULL, out + 8, a->key[0]);
	return AUTH_HEADER_LEN + (size_t)clen;
}

static int
key_by_id(const struct link_auth *a, uint32_t id)
{
	int i;

	for (i = 0; i < a->nkeys; i++)
		if (a->key_id[i] == id)
			return i;
	return -1;
}

static enum auth_verdict
open_frame(struct link_auth *a, uint8_t family, const uint8_t addr[16],
    const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
    uint64_t now_ms)
{
	unsigned long long mlen;
	int k;

	if (len < AUTH_OVERHEAD || memcmp(in, magic, 4) != 0)
		return AUTH_NOT_SEALED;
	if ((k = key_by_id(a, (uint32_t)get_be(in + 4, 4))) == -1)
		return AUTH_UNKNOWN_KEY;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
	    in + AUTH_HEADER_LEN, len - AUTH_HEADER_LEN, in, AUTH_HEADER_LEN,
	    in + 8, a->key[k]) != 0)
		return AUTH_FORGED;
	if (replay_check(&a->replay, family, addr, in + 8,
	    get_be(in + 24, 8), now_ms) != REPLAY_FRESH)
		return AUTH_REPLAYED;
	*outlen = (size_t)mlen;
	return AUTH_OK;
}

enum auth_verdict
auth_open(struct link_auth *a, uint8_t family, const uint8_t addr[16],
    const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
    uint64_t now_ms)
{
	enum auth_verdict v = open_frame(a, family, addr, in, len, out,
	    outlen, now_ms);

	a->count[v]++;
	if (v == AUTH_OK)
		a->last_ok_ms = now_ms;
	else if (v != AUTH_REPLAYED)
		a->last_bad_ms = now_ms;
	return v;
}

int
auth_looks_sealed(const uint8_t *p, size_t len)
{
	return memcmp(p, magic, len < 4 ? len : 4) == 0;
}

const char *
auth_verdict_text(enum auth_verdict v)
{
	switch (v) {
	case AUTH_OK:
		return "authenticated";
	case AUTH_NOT_SEALED:
		return "not sealed (the sender has no Authentication?)";
	case AUTH_UNKNOWN_KEY:
		return "sealed with a key not in our KeyFile";
	case AUTH_FORGED:
		return "does not authenticate (forged or damaged)";
	case AUTH_REPLAYED:
		return "replayed (seen before, or too old)";
	case AUTH_VERDICTS:
		break;
	}
	return "?";
}
