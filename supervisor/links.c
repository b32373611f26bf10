/*
 * Dedicated-link sockets.  The supervisor opens and configures them
 * (binding may need a privileged port, SO_*BUFFORCE needs CAP_NET_ADMIN)
 * and passes them to the sync worker, which alone reads from them.
 * UDP: one receiving socket bound to the local address and Port, one
 * sending socket connected to the peer.  Multicast: see open_multicast.
 * TCP: see open_tcp; the sync worker asks for each new connection.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

static socklen_t
make_sockaddr(const struct conf_addr *a, uint16_t port, unsigned int scope,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->a.v4;
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->a.v6;
		sin6->sin6_scope_id = scope;
		return sizeof(*sin6);
	}
}

static int
set_buffer(int fd, int opt, uint32_t size, const char *what)
{
	int v = (int)size;

	if (size == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)) == -1) {
		log_warn("%s", what);
		return -1;
	}
	return 0;
}

static int
udp_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd == -1)
		log_warn("socket");
	return fd;
}

/*
 * A link's two datagram sockets, receiving (fds[0]) and sending (fds[1]),
 * with the buffer sizes and the checksum option of its clauses.
 */
static int
open_pair(const struct conf_link *l, int rx_family, int tx_family,
    int fds[2])
{
	int one = 1;

	if ((fds[0] = udp_socket(rx_family)) == -1 ||
	    (fds[1] = udp_socket(tx_family)) == -1)
		return -1;
	setsockopt(fds[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (set_buffer(fds[0], SO_RCVBUFFORCE, l->rcvbuf, "RcvSocketBuffer")
	    == -1 || set_buffer(fds[1], SO_SNDBUFFORCE, l->sndbuf,
	    "SndSocketBuffer") == -1)
		return -1;
	if (!l->checksum && tx_family == AF_INET &&
	    setsockopt(fds[1], SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)) == -1)
		log_warn("Checksum off");
	return 0;
}

/*
 * A receiving socket takes only what arrives on the link's Interface, so
 * that nothing reaches the sync worker through another network.
 */
static int
bind_to_interface(int fd, const struct conf_link *l, const char *kind)
{
	if (l->ifname[0] == '\0')
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->ifname,
	    (socklen_t)strlen(l->ifname)) == -1) {
		log_warn("%s link at line %d: Interface %s", kind, l->line,
		    l->ifname);
		return -1;
	}
	return 0;
}

static int
open_udp(const struct conf_link *l, int fds[2])
{
	struct sockaddr_storage ss;
	unsigned int scope = if_nametoindex(l->ifname);
	socklen_t len;

	fds[0] = fds[1] = -1;
	if (!l->has_local || !l->has_dest) {
		log_errx("UDP link at line %d needs a local and a destination "
		    "address", l->line);
		return -1;
	}
	if (open_pair(l, l->local.family, l->dest.family, fds) == -1 ||
	    bind_to_interface(fds[0], l, "UDP") == -1)
		return -1;
	len = make_sockaddr(&l->local, l->port, scope, &ss);
	if (bind(fds[0], (struct sockaddr *)&ss, len) == -1) {
		log_warn("UDP link at line %d: bind to port %u", l->line,
		    l->port);
		return -1;
	}
	len = make_sockaddr(&l->dest, l->port, scope, &ss);
	if (connect(fds[1], (struct sockaddr *)&ss, len) == -1) {
		log_warn("UDP link at line %d: peer address", l->line);
		return -1;
	}
	return 0;
}

static int
join_group4(const struct conf_link *l, int rx, int tx, unsigned int ifindex)
{
	struct ip_mreqn mr;
	int zero = 0, one = 1;

	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr = l->local.a.v4;
	if (l->has_mcast_if)
		mr.imr_address = l->mcast_if.a.v4;
	mr.imr_ifindex = (int)ifindex;
	if (setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))
	    == -1) {
		log_warn("Multicast link at line %d: joining the group",
		    l->line);
		return -1;
	}
	/* this socket gets its own group only, not every joined one */
	setsockopt(rx, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero));
	if (setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr))
	    == -1 || setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
	    sizeof(zero)) == -1 || setsockopt(tx, IPPROTO_IP,
	    IP_MULTICAST_TTL, &one, sizeof(one)) == -1) {
		log_warn("Multicast link at line %d: sending socket", l->line);
		return -1;
	}
	return 0;
}

static int
join_group6(const struct conf_link *l, int rx, int tx, unsigned int ifindex)
{
	struct ipv6_mreq mr;
	int zero = 0, one = 1, idx = (int)ifindex;

	memset(&mr, 0, sizeof(mr));
	mr.ipv6mr_multiaddr = l->local.a.v6;
	mr.ipv6mr_interface = ifindex;
	if (setsockopt(rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr))
	    == -1) {
		log_warn("Multicast link at line %d: joining the group",
		    l->line);
		return -1;
	}
	setsockopt(rx, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero, sizeof(zero));
	if (setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
	    sizeof(idx)) == -1 || setsockopt(tx, IPPROTO_IPV6,
	    IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) == -1 ||
	    setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one,
	    sizeof(one)) == -1) {
		log_warn("Multicast link at line %d: sending socket", l->line);
		return -1;
	}
	return 0;
}

/*
 * Multicast: both nodes send to the group (IPv4_address or IPv6_address)
 * and port (Group) through Interface, TTL 1, without getting their own
 * datagrams back.  The receiving socket joins the group on Interface and
 * is bound to the group address and to Interface: it reads only what was
 * sent to the group and arrived there (1.4.7 binds to any address and
 * reads whatever reaches the port).
 */
static int
open_multicast(const struct conf_link *l, int fds[2])
{
	struct sockaddr_storage ss;
	unsigned int ifindex = if_nametoindex(l->ifname);
	socklen_t len;

	fds[0] = fds[1] = -1;
	if (!l->has_local) {
		log_errx("Multicast link at line %d needs a group address "
		    "(IPv4_address or IPv6_address)", l->line);
		return -1;
	}
	if (open_pair(l, l->local.family, l->local.family, fds) == -1)
		return -1;
	if (bind_to_interface(fds[0], l, "Multicast") == -1)
		return -1;
	len = make_sockaddr(&l->local, l->port, ifindex, &ss);
	if (bind(fds[0], (struct sockaddr *)&ss, len) == -1) {
		log_warn("Multicast link at line %d: bind to the group, port "
		    "%u", l->line, l->port);
		return -1;
	}
	if ((l->local.family == AF_INET ?
	    join_group4(l, fds[0], fds[1], ifindex) :
	    join_group6(l, fds[0], fds[1], ifindex)) == -1)
		return -1;
	if (connect(fds[1], (struct sockaddr *)&ss, len) == -1) {
		log_warn("Multicast link at line %d: the group", l->line);
		return -1;
	}
	return 0;
}

/*
 * A TCP link's connecting socket, non-blocking, on its way to the peer's
 * Port.  The sync worker learns the outcome when it becomes writable.
 * -1 if the connection failed at once (no route): the worker asks again
 * a second later.
 */
int
links_tcp_connect(const struct conf_link *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if ((fd = socket(l->dest.family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	if (set_buffer(fd, SO_SNDBUFFORCE, l->sndbuf, "SndSocketBuffer")
	    == -1) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	len = make_sockaddr(&l->dest, l->port, if_nametoindex(l->ifname), &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) == -1 &&
	    errno != EINPROGRESS) {
		log_debug("TCP link at line %d: connect: %s", l->line,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * TCP (wire-protocol.md 12.3): a listener on the local address and Port
 * (backlog 1, keep-alive) that the peer connects to, and a connection of
 * ours to the peer's Port.  Data flows only from connector to acceptor.
 */
static int
open_tcp(const struct conf_link *l, int fds[2])
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	fds[0] = fds[1] = -1;
	if (!l->has_local || !l->has_dest) {
		log_errx("TCP link at line %d needs a local and a destination "
		    "address", l->line);
		return -1;
	}
	if ((fds[0] = socket(l->local.family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	setsockopt(fds[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fds[0], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (set_buffer(fds[0], SO_RCVBUFFORCE, l->rcvbuf, "RcvSocketBuffer")
	    == -1 || bind_to_interface(fds[0], l, "TCP") == -1)
		return -1;
	len = make_sockaddr(&l->local, l->port, if_nametoindex(l->ifname),
	    &ss);
	if (bind(fds[0], (struct sockaddr *)&ss, len) == -1 ||
	    listen(fds[0], 1) == -1) {
		log_warn("TCP link at line %d: listen on port %u", l->line,
		    l->port);
		return -1;
	}
	if (l->error_queue_len > CONF_MAX_ERRQ)
		log_warnx("TCP link at line %d: ErrorQueueLength %u, keeping "
		    "%u", l->line, l->error_queue_len, CONF_MAX_ERRQ);
	fds[1] = links_tcp_connect(l);
	return 0;
}

/* Open every link; -1 (logged) if one cannot be opened. */
int
links_open(struct sup *s)
{
	const struct conf *c = s->conf;
	int i;

	for (i = 0; i < CONF_MAX_LINKS; i++)
		s->link_fds[i][0] = s->link_fds[i][1] = -1;
	for (i = 0; i < c->nlinks; i++) {
		const struct conf_link *l = &c->links[i];

		int r;

		if (l->ifname[0] == '\0' || if_nametoindex(l->ifname) == 0) {
			log_errx("%s link at line %d: Interface %s does not "
			    "exist", conf_link_kind_name(l->kind), l->line,
			    l->ifname[0] ? l->ifname : "(missing)");
			return -1;
		}
		if (l->kind == LINK_UDP)
			r = open_udp(l, s->link_fds[i]);
		else if (l->kind == LINK_TCP)
			r = open_tcp(l, s->link_fds[i]);
		else
			r = open_multicast(l, s->link_fds[i]);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* After the fds went to the sync worker, or on a failed start. */
void
links_close(struct sup *s)
{
	int i, j;

	for (i = 0; i < CONF_MAX_LINKS; i++)
		for (j = 0; j < 2; j++)
			if (s->link_fds[i][j] >= 0) {
				close(s->link_fds[i][j]);
				s->link_fds[i][j] = -1;
			}
}
