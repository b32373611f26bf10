/*
 * One conntrack expectation (a helper's prediction of a related
 * connection, such as an FTP data connection) as ctsyncd's processes
 * hold and exchange it.  All four tuples share the family; ports in host
 * order, addresses in network order, as in ctobj.h.
 */
#ifndef CTSYNCD_CTEXP_H
#define CTSYNCD_CTEXP_H

#include <stdint.h>

#include "ctobj.h"

enum ctexp_attr {
	CTX_A_TIMEOUT = 0, CTX_A_FLAGS, CTX_A_CLASS, CTX_A_NAT, CTX_A_HELPER,
	CTX_A_FN, CTX_A_ZONE, CTX_A_ID,
	CTX_A_MAX
};

#define CTX_BIT(a)		(UINT32_C(1) << (a))
#define CTX_HAS(x, a)		(((x)->attrs & CTX_BIT(a)) != 0)
#define CTX_FN_MAX		32	/* with its NUL, as on the wire */
/* The longest timeout a peer's expectation may ask for (kernel helpers
 * ask for 5 minutes at most). */
#define CTEXP_TIMEOUT_MAX	3600

struct ctexp {
	uint32_t	 attrs;		/* CTX_BIT() of what is held */
	uint8_t		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 master_l4proto, l4proto, mask_l4proto, nat_l4proto;
	struct ct_tuple	 master;	/* the master's original tuple */
	struct ct_tuple	 tuple;		/* what is expected */
	struct ct_tuple	 mask;
	struct ct_tuple	 nat;		/* CTX_A_NAT */
	uint32_t	 nat_dir;
	uint32_t	 timeout, flags, class, id;
	uint16_t	 zone;
	char		 helper[CT_HELPER_MAX];
	char		 fn[CTX_FN_MAX];
};

struct mbuild;
struct mread;
struct conf_expect_sync;

void	 ctexp_put(struct mbuild *, const struct ctexp *);
int	 ctexp_get(struct mread *, struct ctexp *);
int	 ctexp_valid(const struct ctexp *, const char **why);
int	 ctexp_same(const struct ctexp *, const struct ctexp *);
void	 ctexp_master(const struct ctexp *, struct ctobj *);
int	 ctexp_helper_wanted(const struct conf_expect_sync *,
	    const char *helper);
int	 ctexp_acceptable(const struct ctexp *,
	    const struct conf_expect_sync *wanted, int create,
	    const char **why);

#endif
