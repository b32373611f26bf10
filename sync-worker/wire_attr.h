/*
 * The attribute walker and writer, and the byte readers, shared by the
 * two halves of the wire codec: conntrack entries (wire.c) and
 * expectations (wire_exp.c).
 */
#ifndef CTSYNCD_WIRE_ATTR_H
#define CTSYNCD_WIRE_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "ctobj.h"

struct wbuf {
	uint8_t		*p;
	size_t		 cap, len;
	int		 overflow;
};

struct wire_msg;

int	 wire_walk_attrs(const struct wire_msg *, const uint8_t *sizes,
	    const uint16_t *var_max, int max,
	    void (*take)(void *, int id, const uint8_t *, size_t), void *arg);
uint16_t wire_be16(const uint8_t *);
uint32_t wire_be32(const uint8_t *);
uint8_t	*wire_attr_begin(struct wbuf *, int id, size_t n);
void	 wire_put_raw(struct wbuf *, int id, const void *, size_t);
void	 wire_put_u8(struct wbuf *, int id, uint8_t);
void	 wire_put_be16s(struct wbuf *, int id, const uint16_t *, int count);
void	 wire_put_be32s(struct wbuf *, int id, const uint32_t *, int count);
void	 wire_put_addrs(struct wbuf *, int id, int family,
	    const union ct_addr *src, const union ct_addr *dst);
void	 wire_put_header(uint8_t *, uint8_t type, uint8_t flags, size_t len,
	    uint32_t seq);

#endif
