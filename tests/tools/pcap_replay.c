/*
 * pcap_replay: send again the UDP payloads a capture holds, for the
 * replay tests.  Reads a tcpdump -w file (Ethernet or Linux cooked
 * capture), takes each IPv4 UDP datagram to PORT, and sends its payload
 * from SRC (an address of this namespace, any port or SPORT) to DST:PORT.
 *
 *   pcap_replay [-p SPORT] FILE SRC DST PORT
 *
 * Prints how many datagrams it sent.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINKTYPE_ETHERNET	1
#define LINKTYPE_LINUX_SLL	113

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The UDP payload to `port' in one captured frame, or NULL. */
static const uint8_t *
udp_payload(const uint8_t *f, size_t n, uint32_t linktype, uint16_t port,
    size_t *len)
{
	size_t l2 = linktype == LINKTYPE_ETHERNET ? 14 : 16, ihl;
	uint16_t ethertype, dport, ulen;

	if (n < l2 + 20 + 8)
		return NULL;
	ethertype = (uint16_t)(f[l2 - 2] << 8 | f[l2 - 1]);
	if (ethertype != 0x0800 || (f[l2] >> 4) != 4 || f[l2 + 9] != 17)
		return NULL;
	ihl = (size_t)(f[l2] & 15) * 4;
	if (n < l2 + ihl + 8)
		return NULL;
	f += l2 + ihl;
	n -= l2 + ihl;
	dport = (uint16_t)(f[2] << 8 | f[3]);
	ulen = (uint16_t)(f[4] << 8 | f[5]);
	if (dport != port || ulen < 8 || ulen > n)
		return NULL;
	*len = ulen - 8u;
	return f + 8;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in from, to;
	uint8_t gh[24], rh[16], frame[262144];
	uint32_t linktype;
	unsigned long sent = 0;
	FILE *fp;
	int fd, c, sport = 0;

	while ((c = getopt(argc, argv, "p:")) != -1)
		if (c == 'p')
			sport = atoi(optarg);
	if (argc - optind != 4) {
		fprintf(stderr, "usage: pcap_replay [-p SPORT] FILE SRC DST "
		    "PORT\n");
		return 2;
	}
	argv += optind;
	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	from.sin_family = to.sin_family = AF_INET;
	from.sin_port = htons((uint16_t)sport);
	to.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[1], &from.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &to.sin_addr) != 1)
		return 2;
	if ((fp = fopen(argv[0], "rb")) == NULL ||
	    fread(gh, 1, sizeof(gh), fp) != sizeof(gh) ||
	    le32(gh) != 0xa1b2c3d4) {
		fprintf(stderr, "pcap_replay: %s: not a pcap file\n", argv[0]);
		return 1;
	}
	linktype = le32(gh + 20);
	if (linktype != LINKTYPE_ETHERNET && linktype != LINKTYPE_LINUX_SLL) {
		fprintf(stderr, "pcap_replay: link type %u\n", linktype);
		return 1;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
	    sizeof(int)) == -1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) == -1) {
		perror("pcap_replay: socket");
		return 1;
	}
	while (fread(rh, 1, sizeof(rh), fp) == sizeof(rh)) {
		uint32_t caplen = le32(rh + 8);
		const uint8_t *p;
		size_t len;

		if (caplen > sizeof(frame) ||
		    fread(frame, 1, caplen, fp) != caplen)
			break;
		p = udp_payload(frame, caplen, linktype, ntohs(to.sin_port),
		    &len);
		if (p != NULL && sendto(fd, p, len, 0, (struct sockaddr *)&to,
		    sizeof(to)) != -1)
			sent++;
		usleep(1000);	/* at the pace of a link, not a flood */
	}
	printf("%lu\n", sent);
	fclose(fp);
	close(fd);
	return 0;
}
