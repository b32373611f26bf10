/*
 * forge: what an attacker on the dedicated link can send, for the tests.
 * Each argument is one message in conntrackd 1.4.7's wire format, built
 * with the daemon's own encoders (sync-worker/wire.c, wire_exp.c), sent
 * in one datagram each from SRC (an address of this namespace) to
 * DST:PORT over UDP.
 *
 *   forge [-s SRC] [-f FLAGS] [-q SEQ] DST PORT MSG...
 *
 *   new:SPORT	CT_NEW  TCP 192.0.2.9:SPORT -> 198.51.100.1:22, ESTABLISHED
 *   del:SPORT	CT_DEL  of the same
 *   master	CT_NEW  TCP 10.1.0.10:40000 -> 10.2.0.10:21, helper ftp
 *   exp[,port=N][,permanent][,nomask][,halfmask][,helper=NAME][,nomaster]
 *		EXP_NEW of the master's FTP data connection to port N (50000),
 *		as the kernel's helper makes it, or spoilt as asked
 *   ack:FROM:TO, nack:FROM:TO, resync, alive	control messages
 *
 * -f sets the header flags of every message (hex, e.g. 20 for HELLO);
 * -q the first sequence number (each message takes the next).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftp_expectation.h"
#include "wire.h"

static const struct wire_opts opts = { 0, 0 };

static struct ctobj
tcp_entry(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_TCP;
	inet_pton(AF_INET, src, &o.orig.src.v4);
	inet_pton(AF_INET, dst, &o.orig.dst.v4);
	o.orig.sport = sport;
	o.orig.dport = dport;
	o.status = 0x0e;		/* SEEN_REPLY, ASSURED, CONFIRMED */
	o.state = 3;			/* ESTABLISHED */
	o.timeout = 600;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_TCP_STATE);
	return o;
}

/* The kernel helper's FTP expectation, or spoilt as `spec' asks. */
static struct ctexp
spoilt_expectation(const char *spec)
{
	struct ctexp x = ftp_expectation();
	const char *h;

	if (strstr(spec, ",permanent"))
		x.flags = 0x1;
	if (strstr(spec, ",nomask"))
		memset(&x.mask.src, 0, 4);
	if (strstr(spec, ",halfmask"))
		x.mask.src.v4 = htonl(0xffff0000);
	if (strstr(spec, ",nomaster"))
		memset(&x.master.src, 0, 4);
	if ((h = strstr(spec, ",port=")) != NULL)
		x.tuple.dport = (uint16_t)atoi(h + 6);
	if ((h = strstr(spec, ",helper=")) != NULL)
		snprintf(x.helper, sizeof(x.helper), "%.*s",
		    (int)strcspn(h + 8, ","), h + 8);
	return x;
}

/* One message of the command line into buf; its length, 0 if unknown. */
static size_t
build(const char *spec, uint8_t flags, uint32_t seq, uint8_t *buf)
{
	unsigned int a, b;
	struct ctobj o;
	struct ctexp x;

	if (sscanf(spec, "new:%u", &a) == 1 || sscanf(spec, "del:%u", &a) == 1) {
		o = tcp_entry("192.0.2.9", "198.51.100.1", (uint16_t)a, 22);
		return wire_put_ct(buf, WIRE_MSG_MAX, spec[0] == 'n' ?
		    WIRE_CT_NEW : WIRE_CT_DEL, flags, seq, &o, &opts);
	}
	if (strcmp(spec, "master") == 0) {
		o = tcp_entry("10.1.0.10", "10.2.0.10", 40000, 21);
		strcpy(o.helper, "ftp");
		o.attrs |= CT_BIT(CT_A_HELPER_NAME);
		return wire_put_ct(buf, WIRE_MSG_MAX, WIRE_CT_NEW, flags, seq,
		    &o, &opts);
	}
	if (strncmp(spec, "exp", 3) == 0) {
		x = spoilt_expectation(spec);
		return wire_put_exp(buf, WIRE_MSG_MAX, WIRE_EXP_NEW, flags, seq,
		    &x, &opts);
	}
	if (sscanf(spec, "ack:%u:%u", &a, &b) == 2)
		return wire_put_ctl(buf, WIRE_MSG_MAX, flags | WIRE_F_ACK, seq,
		    a, b);
	if (sscanf(spec, "nack:%u:%u", &a, &b) == 2)
		return wire_put_ctl(buf, WIRE_MSG_MAX, flags | WIRE_F_NACK, seq,
		    a, b);
	if (strcmp(spec, "resync") == 0)
		return wire_put_ctl(buf, WIRE_MSG_MAX, flags | WIRE_F_RESYNC,
		    seq, 0, 0);
	if (strcmp(spec, "alive") == 0)
		return wire_put_ctl(buf, WIRE_MSG_MAX, flags | WIRE_F_ALIVE,
		    seq, 0, 0);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: forge [-s src] [-f flags] [-q seq] dst port "
	    "msg...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in to, from;
	uint8_t buf[WIRE_MSG_MAX];
	uint32_t seq = 1;
	uint8_t flags = 0;
	int c, fd, i;

	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	while ((c = getopt(argc, argv, "s:f:q:")) != -1) {
		switch (c) {
		case 's':
			if (inet_pton(AF_INET, optarg, &from.sin_addr) != 1)
				return usage();
			break;
		case 'f':
			flags = (uint8_t)strtoul(optarg, NULL, 16);
			break;
		case 'q':
			seq = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 3)
		return usage();
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
		return usage();
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) == -1) {
		perror("forge: socket");
		return 1;
	}
	for (i = optind + 2; i < argc; i++) {
		size_t n = build(argv[i], flags, seq++, buf);

		if (n == 0) {
			fprintf(stderr, "forge: cannot build `%s'\n", argv[i]);
			return 2;
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&to,
		    sizeof(to)) == -1) {
			perror("forge: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
