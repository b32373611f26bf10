/*
 * libFuzzer target: the control protocol, both ends.
 * - The daemon's: what a client may write on the control socket, read as
 *   the supervisor reads it (supervisor/control_request.c), then planned
 *   for each kind of configuration (supervisor/plan.c).  A request comes
 *   whole and alone or is refused; an unknown one is never planned.
 * - The client's: what a daemon may answer, read and rendered as
 *   ctsyncctl and `ctsyncd -s' do (ctl/client.c, ctl/render.c), as text
 *   and as JSON.
 * Input: a byte of options (which end, JSON, conntrackd's exit rules),
 * a byte of request number, then the bytes of the connection.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "render.h"
#include "log.h"
#include "supervisor.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const confs[] = {
	"Sync { Mode FTFW { } UDP { IPv4_address 10.0.0.1 "
	    "IPv4_Destination_Address 10.0.0.2 Port 3780 Interface lo } }",
	"Sync { Mode NOTRACK { DisableExternalCache on } UDP { IPv4_address "
	    "10.0.0.1 IPv4_Destination_Address 10.0.0.2 Port 3780 "
	    "Interface lo } }",
	"Stats { LogFile on }",
};

/* The bytes written by the other end, which then closes. */
static int
connection(const uint8_t *data, size_t size)
{
	int fd[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == -1)
		fatal("socketpair");
	/* a socket buffer holds what the fuzzer gives (-max_len) */
	if (size > 0 && write(fd[1], data, size) != (ssize_t)size)
		fatal("write");
	close(fd[1]);
	return fd[0];
}

static void
daemon_side(const uint8_t *data, size_t size)
{
	static struct conf *c[sizeof(confs) / sizeof(confs[0])];
	uint8_t steps[MAX_OP_STEPS + 1];
	struct chan ch;
	char why[128];
	uint32_t req;
	size_t i;
	int fd = connection(data, size), n;

	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		char err[256];

		if (c[i] == NULL && (c[i] = conf_parse_string("fuzz.conf",
		    confs[i], NULL, err, sizeof(err))) == NULL)
			fatalx("fuzz configuration: %s", err);
	}
	control_request_chan(&ch, fd);
	n = 0;
	while (chan_read(&ch) > 0 &&
	    (n = control_request_get(&ch, &req, why, sizeof(why))) == 0)
		;
	if (n == 1 && control_request_known(req))
		for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++)
			plan_request(c[i], req, steps);
	if (n == 1 && chan_unread(&ch) > 0)
		abort();	/* two requests taken for one */
	chan_free(&ch);
	close(fd);
}

static void
client_side(uint8_t opts, uint8_t req, const uint8_t *data, size_t size)
{
	static FILE *devnull;
	int fd = connection(data, size);

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		fatal("/dev/null");
	client_exchange(fd, req, opts >> 3 & 1 ? RENDER_METRICS :
	    opts >> 1 & 1, opts >> 2 & 1, devnull);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;

	if (!quiet) {
		log_init("fuzz_control", 0);
		quiet = 1;
	}
	if (size < 2 || size > 65536)
		return 0;
	if (data[0] & 1)
		client_side(data[0], data[1], data + 2, size - 2);
	else
		daemon_side(data + 2, size - 2);
	return 0;
}
