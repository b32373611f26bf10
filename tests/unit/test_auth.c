/*
 * Authentication of the dedicated link: the key file's parser and checks
 * (common/keyfile.c), sealing and opening frames (sync-worker/link_auth.c)
 * and the anti-replay windows (sync-worker/replay.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "link_auth.h"
#include "replay.h"
#include "tap.h"

#define K1 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define K2 "F0E1D2C3B4A5968778695A4B3C2D1E0FF0E1D2C3B4A5968778695A4B3C2D1E0F"

static int
parse(const char *text, struct link_keys *k)
{
	char err[256];

	return keyfile_parse(text, strlen(text), k, err, sizeof(err));
}

static void
test_parse(void)
{
	struct link_keys k;
	char err[256];

	ok(parse(K1 "\n", &k) == 0 && k.n == 1 && k.key[0][0] == 0 &&
	    k.key[0][31] == 0x1f, "one key line");
	ok(parse(K1 "\n" K2 "\n", &k) == 0 && k.n == 2 &&
	    k.key[1][0] == 0xf0, "two key lines, either case");
	ok(parse(K1, &k) == 0 && k.n == 1, "no newline at the end");
	ok(parse(K1 "\r\n", &k) == 0 && k.n == 1, "a CRLF line");
	ok(parse(K1 "\n" K2 "\n" K1 "\n", &k) == -1, "three keys refused");
	ok(parse("", &k) == -1, "an empty file refused");
	ok(parse(K1 "\n\n", &k) == -1, "an empty line refused");
	ok(parse("0" K1 "\n", &k) == -1, "65 digits refused");
	ok(parse(K1 + 1, &k) == -1, "63 digits refused");
	ok(keyfile_parse("g" K1 "g", 64, &k, err, sizeof(err)) == -1 &&
	    strstr(err, "line 1") != NULL && k.n == 0,
	    "a non-hex digit refused, the line named, nothing kept");
	ok(parse(" " K1 "\n", &k) == -1, "spaces refused");
}

static char dir[] = "/tmp/test_auth.XXXXXX";

static const char *
key_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	fchmod(fd, mode);
	close(fd);
	return path;
}

static void
test_load(void)
{
	struct link_keys k;
	char err[512], path[300], line[LINK_KEY_LEN * 2 + 2],
	    line2[LINK_KEY_LEN * 2 + 2];

	if (mkdtemp(dir) == NULL)
		abort();
	ok(keyfile_load(key_file("good", K1 "\n", 0600), &k, err,
	    sizeof(err)) == 0 && k.n == 1, "a 0600 key file of root's read");
	ok(keyfile_load(key_file("ro", K1 "\n" K2 "\n", 0400), &k, err,
	    sizeof(err)) == 0 && k.n == 2, "a 0400 one too");
	ok(keyfile_load(key_file("open", K1 "\n", 0644), &k, err,
	    sizeof(err)) == -1 && strstr(err, "chmod 600") != NULL,
	    "a key file others may read refused: %s", err);
	ok(keyfile_load(key_file("group", K1 "\n", 0640), &k, err,
	    sizeof(err)) == -1, "a key file the group may read refused");
	if (geteuid() == 0) {
		const char *p = key_file("theirs", K1 "\n", 0600);

		if (chown(p, 65534, 65534) == -1)
			abort();
		ok(keyfile_load(p, &k, err, sizeof(err)) == -1 &&
		    strstr(err, "not root") != NULL,
		    "a key file of another user's refused: %s", err);
	} else
		ok(1, "# SKIP ownership needs root");
	ok(keyfile_load(dir, &k, err, sizeof(err)) == -1 &&
	    strstr(err, "not a regular file") != NULL, "a directory refused");
	snprintf(path, sizeof(path), "%s/link", dir);
	if (symlink("good", path) == -1)
		abort();
	ok(keyfile_load(path, &k, err, sizeof(err)) == -1,
	    "a symbolic link refused");
	ok(keyfile_load("/nonexistent/key", &k, err, sizeof(err)) == -1 &&
	    strstr(err, "/nonexistent/key") != NULL, "a missing file named");
	ok(keyfile_load(key_file("bad", "hello\n", 0600), &k, err,
	    sizeof(err)) == -1 && strstr(err, "64 hex digits") != NULL,
	    "a file of something else: %s", err);
	ok(keyfile_new_line(line) == 0 && keyfile_new_line(line2) == 0 &&
	    strlen(line) == 65 && line[64] == '\n' &&
	    strcmp(line, line2) != 0 && parse(line, &k) == 0,
	    "genkey: fresh lines the parser takes");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		abort();
}

static const uint8_t a1[16] = { 10, 99, 0, 1 }, a2[16] = { 10, 99, 0, 2 };

static void
node(struct link_auth *a, uint64_t start_ms, uint8_t r, const char *keys)
{
	struct link_keys k;
	uint8_t rnd[8];

	memset(rnd, r, sizeof(rnd));
	auth_init(a, start_ms, rnd);
	if (parse(keys, &k) != 0)
		abort();
	auth_set_keys(a, &k);
}

static void
test_seal_open(void)
{
	static struct link_auth s, r, r2, old;
	const uint8_t msg[] = "\x10\x00\x00\x10 sixteen bytes!";
	uint8_t f[256], f2[256], out[256];
	size_t n, n2, len = 0;

	node(&s, 1000, 1, K1);
	node(&r, 2000, 2, K1 "\n" K2);
	n = auth_seal(&s, msg, sizeof(msg), f);
	ok(n == sizeof(msg) + AUTH_OVERHEAD, "a frame costs %d bytes",
	    AUTH_OVERHEAD);
	ok(memmem(f, n, "sixteen", 7) == NULL, "the messages travel "
	    "encrypted");
	ok(auth_open(&r, AF_INET, a1, f, n, out, &len, 1) == AUTH_OK &&
	    len == sizeof(msg) && memcmp(out, msg, len) == 0,
	    "sealed, then opened with the same key");
	ok(auth_open(&r, AF_INET, a1, f, n, out, &len, 2) == AUTH_REPLAYED,
	    "the same frame again is a replay");
	ok(r.count[AUTH_OK] == 1 && r.count[AUTH_REPLAYED] == 1,
	    "counted by verdict");
	n = auth_seal(&s, msg, sizeof(msg), f);
	memcpy(f2, f, n);
	f2[n - 1] ^= 1;
	ok(auth_open(&r, AF_INET, a1, f2, n, out, &len, 3) == AUTH_FORGED,
	    "a changed tag does not authenticate");
	memcpy(f2, f, n);
	f2[AUTH_HEADER_LEN + 3] ^= 0x80;
	ok(auth_open(&r, AF_INET, a1, f2, n, out, &len, 3) == AUTH_FORGED,
	    "a changed ciphertext byte does not");
	memcpy(f2, f, n);
	f2[31] ^= 1;
	ok(auth_open(&r, AF_INET, a1, f2, n, out, &len, 3) == AUTH_FORGED,
	    "a changed counter does not");
	ok(auth_open(&r, AF_INET, a1, f, n - 1, out, &len, 3) == AUTH_FORGED,
	    "a truncated frame does not");
	ok(auth_open(&r, AF_INET, a1, msg, sizeof(msg), out, &len, 3) ==
	    AUTH_NOT_SEALED, "conntrackd's plain messages are not sealed");
	ok(auth_open(&r, AF_INET, a1, f, 10, out, &len, 3) == AUTH_NOT_SEALED,
	    "nor is a stub");
	ok(auth_open(&r, AF_INET, a1, f, n, out, &len, 3) == AUTH_OK,
	    "the genuine frame still opens after the forgeries");
	/* rotation: K2 added second everywhere, then swapped to first */
	node(&r2, 3000, 3, K2);
	n = auth_seal(&s, msg, sizeof(msg), f);
	ok(auth_open(&r2, AF_INET, a1, f, n, out, &len, 4) ==
	    AUTH_UNKNOWN_KEY, "a key the receiver lacks: unknown key");
	{
		struct link_keys k;

		parse(K2 "\n" K1, &k);
		auth_set_keys(&s, &k);	/* as on SIGHUP: the counter goes on */
	}
	n = auth_seal(&s, msg, sizeof(msg), f);
	n2 = auth_seal(&s, msg, sizeof(msg), f2);
	ok(auth_open(&r, AF_INET, a1, f, n, out, &len, 5) == AUTH_OK &&
	    auth_open(&r2, AF_INET, a1, f2, n2, out, &len, 5) == AUTH_OK,
	    "the first line seals; a receiver with it on either line opens");
	/* an earlier start of the same sender, replayed later */
	node(&old, 500, 9, K2);
	n = auth_seal(&old, msg, sizeof(msg), f);
	ok(auth_open(&r, AF_INET, a1, f, n, out, &len, 6) ==
	    AUTH_REPLAYED, "a frame of the sender's earlier start is refused");
	ok(auth_open(&r, AF_INET, a2, f, n, out, &len, 6) == AUTH_OK,
	    "(from another sender it would be new)");
	n = auth_seal(&s, msg, sizeof(msg), f);
	ok(auth_open(&r, AF_INET, a2, f, n, out, &len, 7) == AUTH_REPLAYED,
	    "a sender's frame resent from another address is refused");
}

static uint8_t inc[4][INCARNATION_LEN];

static void
make_inc(int i, uint64_t start_ms)
{
	int b;

	for (b = 0; b < 8; b++)
		inc[i][b] = (uint8_t)(start_ms >> (56 - 8 * b));
	memset(inc[i] + 8, i + 1, 8);
}

static void
test_replay(void)
{
	static struct replay r;
	uint64_t c, top;
	int all = 1;

	make_inc(0, 1000);
	make_inc(1, 2000);
	make_inc(2, 500);
	make_inc(3, 400);
	ok(replay_check(&r, AF_INET, a1, inc[0], 1, 1) == REPLAY_FRESH,
	    "a first frame is new");
	ok(replay_check(&r, AF_INET, a1, inc[0], 5, 1) == REPLAY_FRESH &&
	    replay_check(&r, AF_INET, a1, inc[0], 3, 1) == REPLAY_FRESH &&
	    replay_check(&r, AF_INET, a1, inc[0], 2, 1) == REPLAY_FRESH,
	    "reordered frames within the window are new once");
	ok(replay_check(&r, AF_INET, a1, inc[0], 3, 1) == REPLAY_SEEN,
	    "... and seen the second time");
	ok(replay_check(&r, AF_INET, a1, inc[0], 5 + REPLAY_WINDOW, 1) ==
	    REPLAY_FRESH && replay_check(&r, AF_INET, a1, inc[0], 4, 1) ==
	    REPLAY_TOO_OLD, "a counter below the window is too old");
	ok(replay_check(&r, AF_INET, a1, inc[0], 6 + REPLAY_WINDOW, 1) ==
	    REPLAY_FRESH && replay_check(&r, AF_INET, a1, inc[0],
	    5 + REPLAY_WINDOW, 1) == REPLAY_SEEN, "the window slides");
	for (c = 10 + REPLAY_WINDOW; c < 10 + 3 * REPLAY_WINDOW; c += 7)
		all &= replay_check(&r, AF_INET, a1, inc[0], c, 2) ==
		    REPLAY_FRESH;
	top = c - 7;
	for (c = 10 + REPLAY_WINDOW; c <= top; c += 7)
		all &= replay_check(&r, AF_INET, a1, inc[0], c, 2) ==
		    (top - c < REPLAY_WINDOW ? REPLAY_SEEN : REPLAY_TOO_OLD);
	all &= replay_check(&r, AF_INET, a1, inc[0], top - 1, 2) ==
	    REPLAY_FRESH;
	ok(all, "gaps and wrap-around of the bitmap: each counter once");
	ok(replay_check(&r, AF_INET, a1, inc[1], 1, 3) == REPLAY_FRESH &&
	    r.restarts == 1, "a later start of the sender is followed");
	ok(replay_check(&r, AF_INET, a1, inc[0], UINT64_MAX, 4) ==
	    REPLAY_RETIRED_INC, "the start it replaced is retired");
	ok(replay_check(&r, AF_INET, a1, inc[2], 1, 5) == REPLAY_OLDER_INC,
	    "an earlier start never seen is refused while the sender talks");
	ok(replay_check(&r, AF_INET, a2, inc[1], 2, 5) == REPLAY_OTHER_ADDR,
	    "a sender's incarnation from another address is refused");
	ok(replay_check(&r, AF_INET, a1, inc[2], 1, 5 + REPLAY_SILENCE_MS) ==
	    REPLAY_FRESH, "an earlier start is taken once the sender has "
	    "been silent (a clock set back)");
	ok(replay_check(&r, AF_INET, a1, inc[1], 3, 6 + 2 * REPLAY_SILENCE_MS)
	    == REPLAY_RETIRED_INC && replay_check(&r, AF_INET, a1, inc[3], 1,
	    6 + 2 * REPLAY_SILENCE_MS) == REPLAY_FRESH,
	    "... which does not bring back what it replaced");
}

static void
test_many_senders(void)
{
	static struct replay r;
	uint8_t addr[16] = { 10, 0, 0, 0 };
	int i, all = 1;

	make_inc(0, 1000);
	for (i = 0; i < REPLAY_SENDERS + 4; i++) {
		addr[3] = (uint8_t)i;
		inc[0][15] = (uint8_t)i;
		all &= replay_check(&r, AF_INET, addr, inc[0], 1,
		    (uint64_t)i + 1) == REPLAY_FRESH;
	}
	ok(all, "more senders than slots: each new one is followed");
	addr[3] = 0;
	inc[0][15] = 0;
	ok(replay_check(&r, AF_INET, addr, inc[0], 2, 100) ==
	    REPLAY_RETIRED_INC, "a sender forgotten for room stays refused "
	    "for that start");
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_parse();
	test_load();
	test_seal_open();
	test_replay();
	test_many_senders();
	return done_testing();
}
