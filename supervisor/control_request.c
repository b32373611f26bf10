/*
 * A control client's request: the one message of its connection, read
 * and checked before anything is done for it (control.c acts on it).
 * Anyone allowed on the socket may send anything, so this is a parser of
 * untrusted input, fuzzed by tests/fuzz/fuzz_control.c.
 */
#include "config.h"

#include <stdio.h>

#include "msgs.h"
#include "supervisor.h"

void
control_request_chan(struct chan *c, int fd)
{
	chan_init(c, fd, "control client", CTL_MSG_MAX,
	    MSG_BIT(MSG_CTL_REQUEST), 0);
}

/*
 * After chan_read() brought bytes: 1 and the request if one came whole
 * and alone, 0 to wait for more, -1 with what the client did wrong (a
 * frame or type refused, a bad payload, more than one message).
 */
int
control_request_get(struct chan *c, uint32_t *req, char *why, size_t len)
{
	const char *frame = "";
	struct msg m;
	uint32_t flags;
	int n;

	if ((n = chan_get(c, &m, &frame)) == 0)
		return 0;
	if (n == -1)
		snprintf(why, len, "sent a malformed request (%s)", frame);
	else if (msg_recv_ctl_request(&m, req, &flags) == -1)
		snprintf(why, len, "sent a request with a bad payload");
	else if (chan_unread(c) > 0)
		snprintf(why, len, "sent more than one request");
	else
		return 1;
	return -1;
}

/* Requests a client may send (conntrackd's numbers and ctsyncd's). */
int
control_request_known(uint32_t req)
{
	return req <= 1 || (req >= 16 && req <= 48) || req == REQ_HEALTH ||
	    req == REQ_METRICS || req == REQ_DEBUG_ON || req == REQ_DEBUG_OFF;
}
