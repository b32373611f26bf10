/*
 * One conntrack entry as ctsyncd's processes hold and exchange it.
 *
 * Which fields an object holds is a bit mask; the bits below CT_A_WIRE_MAX
 * are numbered as conntrackd 1.4.7 numbers its wire attributes
 * (wire-protocol.md 5.2), so the wire codec is a walk over the bits.
 * Addresses are kept in network order, ports, ids and numbers in host
 * order.
 */
#ifndef CTSYNCD_CTOBJ_H
#define CTSYNCD_CTOBJ_H

#include <stddef.h>
#include <stdint.h>

enum ct_attr {
	CT_A_IPV4 = 0, CT_A_IPV6, CT_A_L4PROTO, CT_A_PORT, CT_A_TCP_STATE,
	CT_A_STATUS, CT_A_TIMEOUT, CT_A_MARK, CT_A_MASTER_IPV4,
	CT_A_MASTER_IPV6, CT_A_MASTER_L4PROTO, CT_A_MASTER_PORT,
	CT_A_SNAT_IPV4, CT_A_DNAT_IPV4, CT_A_SPAT_PORT, CT_A_DPAT_PORT,
	CT_A_NAT_SEQ_ADJ, CT_A_SCTP_STATE, CT_A_SCTP_VTAG_ORIG,
	CT_A_SCTP_VTAG_REPL, CT_A_DCCP_STATE, CT_A_DCCP_ROLE, CT_A_ICMP_TYPE,
	CT_A_ICMP_CODE, CT_A_ICMP_ID, CT_A_TCP_WSCALE_ORIG,
	CT_A_TCP_WSCALE_REPL, CT_A_HELPER_NAME, CT_A_LABELS, CT_A_SNAT_IPV6,
	CT_A_DNAT_IPV6, CT_A_SYNPROXY, CT_A_ZONE,
	CT_A_WIRE_MAX,			/* 33: ids >= this are not on the wire */
	CT_A_REPLY = CT_A_WIRE_MAX,	/* reply tuple, from the kernel */
	CT_A_SECMARK,
	CT_A_ID,			/* kernel conntrack id */
	CT_A_COUNTERS,			/* packets and bytes, with accounting */
	CT_A_USE,			/* kernel reference count (dumps) */
	CT_A_MAX
};

#define CT_BIT(a)		(UINT64_C(1) << (a))
#define CT_HAS(o, a)		(((o)->attrs & CT_BIT(a)) != 0)
#define CT_HELPER_MAX		16	/* with its NUL, as on the wire */
#define CT_LABEL_WORDS		4	/* 128 connlabels, the kernel's limit */

union ct_addr {
	uint32_t	 v4;		/* network order */
	uint8_t		 v6[16];
};

/* A tuple; ICMP keeps type, code and id where others keep ports. */
struct ct_tuple {
	union ct_addr	 src, dst;
	uint16_t	 sport, dport;	/* host order */
	uint8_t		 icmp_type, icmp_code;
	uint16_t	 icmp_id;	/* host order */
};

struct ctobj {
	uint64_t	 attrs;		/* CT_BIT() of what is held */
	uint8_t		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 l4proto;
	struct ct_tuple	 orig;
	struct ct_tuple	 reply;		/* CT_A_REPLY */
	uint8_t		 master_family, master_l4proto;
	struct ct_tuple	 master;
	uint32_t	 status, timeout, mark, secmark, id, use;
	uint8_t		 state;		/* TCP, SCTP or DCCP state */
	uint8_t		 dccp_role;
	uint8_t		 wscale_orig, wscale_repl;
	uint16_t	 zone;
	uint32_t	 sctp_vtag_orig, sctp_vtag_repl;
	union ct_addr	 snat, dnat;
	uint16_t	 spat, dpat;	/* host order */
	uint32_t	 seqadj[6];
	uint32_t	 synproxy[3];
	uint8_t		 nlabels;	/* words used */
	uint32_t	 labels[CT_LABEL_WORDS];
	char		 helper[CT_HELPER_MAX];
	uint64_t	 packets[2], bytes[2];	/* original, reply */
};

/* Largest encoding of one object between processes (ctobj_put). */
#define CTOBJ_IPC_MAX	400

struct mbuild;
struct mread;

void	 ctobj_put(struct mbuild *, const struct ctobj *);
void	 ctobj_put_tuple(struct mbuild *, const struct ct_tuple *);
void	 ctobj_get_tuple(struct mread *, struct ct_tuple *);
int	 ctobj_get(struct mread *, struct ctobj *);
int	 ctobj_valid(const struct ctobj *, const char **why);
int	 ctobj_has_ports(uint8_t l4proto);
int	 ctobj_is_icmp(uint8_t l4proto);
void	 ctobj_derive_nat(struct ctobj *);

#endif
