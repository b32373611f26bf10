/*
 * libFuzzer target: a ctnetlink message as the netlink worker reads it
 * from the kernel (netlink-worker/ct_nlattr.c, exp_nlattr.c).  The kernel
 * is trusted for framing (its nlmsg_len fits what it sent) but not for
 * what the attributes hold: any payload is refused or parsed, never read
 * out of bounds; a parsed entry or expectation that ctobj_valid() /
 * ctexp_valid() accepts builds a create request.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "ct_nlattr.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t in[65536 / 4], out[65536 / 4];
	struct nlmsghdr *nlh = (struct nlmsghdr *)in, *req;
	const char *why;
	struct ctobj o;
	struct ctexp x;

	if (size < sizeof(*nlh) || size > sizeof(in))
		return 0;
	memcpy(in, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	if (ctobj_from_nlmsg(&o, nlh) >= 0 && ctobj_valid(&o, &why) == 0) {
		req = mnl_nlmsg_put_header(out);
		ctobj_put_create(req, &o, 0, 0, 0);
		if (req->nlmsg_len > sizeof(out))
			abort();
	}
	if (ctexp_from_nlmsg(&x, nlh) >= 0 && ctexp_valid(&x, &why) == 0) {
		req = mnl_nlmsg_put_header(out);
		ctexp_put_create(req, &x, 0);
		if (req->nlmsg_len > sizeof(out))
			abort();
	}
	return 0;
}
