/*
 * Reading and checking the dedicated link's key file (keyfile.h).  The
 * checks are those of ssh's private keys: a key anyone else on the host
 * can read is no secret, so such a file is refused, not warned about.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One line (without its newline) into a key: exactly 64 hex digits. */
static int
parse_key_line(const char *s, size_t len, uint8_t key[LINK_KEY_LEN])
{
	size_t i;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len != LINK_KEY_LEN * 2)
		return -1;
	for (i = 0; i < LINK_KEY_LEN; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
keyfile_parse(const char *text, size_t len, struct link_keys *k,
    char *err, size_t errlen)
{
	size_t off = 0;
	int line = 0;

	memset(k, 0, sizeof(*k));
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		line++;
		if (k->n == LINK_KEYS_MAX) {
			snprintf(err, errlen, "more than %d keys (line %d)",
			    LINK_KEYS_MAX, line);
			goto bad;
		}
		if (parse_key_line(text + off, n, k->key[k->n]) == -1) {
			snprintf(err, errlen, "line %d is not a key: exactly "
			    "64 hex digits expected (ctsyncctl genkey makes "
			    "one)", line);
			goto bad;
		}
		k->n++;
		off += n + (nl != NULL);
	}
	if (k->n == 0) {
		snprintf(err, errlen, "no key in it (ctsyncctl genkey makes "
		    "one)");
		goto bad;
	}
	return 0;
bad:
	link_keys_wipe(k);
	return -1;
}

/* Only root may be able to read or change the key. */
static int
check_key_file(int fd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		return -1;
	}
	if (st.st_uid != 0) {
		snprintf(err, errlen, "owned by uid %u, not root",
		    (unsigned)st.st_uid);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "mode %04o lets group or others in "
		    "(chmod 600)", (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int
keyfile_load(const char *path, struct link_keys *k, char *err,
    size_t errlen)
{
	char text[KEYFILE_MAX + 1], why[256];
	ssize_t n;
	size_t len = 0;
	int fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "KeyFile %s: %s", path, strerror(errno));
		return -1;
	}
	if (check_key_file(fd, why, sizeof(why)) == -1)
		goto out;
	while ((n = read(fd, text + len, sizeof(text) - len)) > 0)
		len += (size_t)n;
	if (n == -1) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		goto out;
	}
	if (len > KEYFILE_MAX) {
		snprintf(why, sizeof(why), "longer than %d bytes",
		    KEYFILE_MAX);
		goto out;
	}
	r = keyfile_parse(text, len, k, why, sizeof(why));
out:
	if (r == -1)
		snprintf(err, errlen, "KeyFile %s: %s", path, why);
	explicit_bzero(text, sizeof(text));
	close(fd);
	return r;
}

int
keyfile_new_line(char line[LINK_KEY_LEN * 2 + 2])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t key[LINK_KEY_LEN];
	int i;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return -1;
	for (i = 0; i < LINK_KEY_LEN; i++) {
		line[2 * i] = hex[key[i] >> 4];
		line[2 * i + 1] = hex[key[i] & 15];
	}
	line[LINK_KEY_LEN * 2] = '\n';
	line[LINK_KEY_LEN * 2 + 1] = '\0';
	explicit_bzero(key, sizeof(key));
	return 0;
}

void
link_keys_wipe(struct link_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}
