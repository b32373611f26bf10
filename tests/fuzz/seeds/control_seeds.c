/*
 * Seeds for fuzz_control (tests/fuzz/fuzz_control.c explains the input):
 * requests as ctsyncctl sends them, and answers as the daemon writes them,
 * a block of every kind, text, errors.  Built against the build tree:
 *   cc -I BUILD -I common tests/fuzz/seeds/control_seeds.c \
 *	BUILD/common/libcommon.a -o control_seeds && ./control_seeds OUTDIR
 * then merged into tests/fuzz/corpus/control with fuzz_control -merge=1.
 */
#include "config.h"

#include <sys/socket.h>

#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msgs.h"
#include "stats.h"

enum { DAEMON_SIDE = 0, CLIENT = 1, JSON = 2, COMPAT = 4 };

struct gen {
	struct chan	 c;
	int		 far;
	const char	*dir;
};

/* What was queued on the channel, as one seed. */
static void
seed(struct gen *g, const char *name, int opts, int req)
{
	static char buf[65536];
	char path[512];
	ssize_t n;
	FILE *f;

	chan_flush_all(&g->c);
	if ((n = read(g->far, buf, sizeof(buf))) <= 0)
		err(1, "read");
	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fputc(opts, f);
	fputc(req, f);
	fwrite(buf, 1, (size_t)n, f);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct stats_block b;
	struct gen g;
	char name[64];
	int sv[2], k, i;

	if (argc != 2 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		errx(1, "usage: control_seeds OUTDIR");
	g.dir = argv[1];
	g.far = sv[1];
	chan_init(&g.c, sv[0], "seeds", CTL_MSG_MAX, 0, 0);
	msg_send_ctl_request(&g.c, 18, 0);
	seed(&g, "request-stats", DAEMON_SIDE, 0);
	msg_send_ctl_request(&g.c, 1, 0);
	seed(&g, "request-commit", DAEMON_SIDE, 0);
	msg_send_ctl_request(&g.c, 200, 0);
	seed(&g, "request-unknown", DAEMON_SIDE, 0);
	msg_send_ctl_request(&g.c, 18, 0);
	msg_send_ctl_request(&g.c, 18, 0);
	seed(&g, "request-two", DAEMON_SIDE, 0);
	for (k = 1; k < SB_KIND_MAX; k++) {
		memset(&b, 0, sizeof(b));
		b.kind = (uint16_t)k;
		snprintf(b.label, sizeof(b.label), "veth0");
		for (i = 0; i < STATS_MAX_VALUES; i++)
			b.v[i] = (uint64_t)i * 7;
		msg_send_stats_block(&g.c, 1, &b);
		msg_send_ctl_done(&g.c, 0, "");
		snprintf(name, sizeof(name), "answer-block-%d", k);
		seed(&g, name, CLIENT, 18);
		msg_send_stats_block(&g.c, 1, &b);
		msg_send_ctl_done(&g.c, 0, "");
		snprintf(name, sizeof(name), "answer-block-%d-json", k);
		seed(&g, name, CLIENT | JSON, 18);
	}
	msg_send_ctl_text(&g.c, 1, "tcp 6 431999 ESTABLISHED src=1.2.3.4 "
	    "dst=5.6.7.8 sport=1 dport=2 [ASSURED]\n");
	msg_send_ctl_done(&g.c, 0, "");
	seed(&g, "answer-text", CLIENT, 16);
	msg_send_ctl_text(&g.c, 1, "a \"quoted\"\tline\n");
	msg_send_ctl_done(&g.c, 1, "failed: x");
	seed(&g, "answer-error-json", CLIENT | JSON, 16);
	msg_send_ctl_done(&g.c, 3, "not supported");
	seed(&g, "answer-notsup-compat", CLIENT | COMPAT, 30);
	return 0;
}
