/*
 * An FTP data-connection expectation as the kernel's helper makes it
 * (master 10.1.0.10:40000 -> 10.2.0.10:21, data to port 50000): shared
 * by the expectation-policy unit test and the forge tool.
 */
#ifndef CTSYNCD_FTP_EXPECTATION_H
#define CTSYNCD_FTP_EXPECTATION_H

#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "ctexp.h"

static struct ctexp
ftp_expectation(void)
{
	struct ctexp x;

	memset(&x, 0, sizeof(x));
	x.family = AF_INET;
	x.master_l4proto = x.l4proto = x.mask_l4proto = IPPROTO_TCP;
	x.master.src.v4 = htonl(0x0a01000a);
	x.master.dst.v4 = htonl(0x0a02000a);
	x.master.sport = 40000;
	x.master.dport = 21;
	x.tuple.src.v4 = x.master.src.v4;
	x.tuple.dst.v4 = x.master.dst.v4;
	x.tuple.dport = 50000;
	memset(&x.mask.src, 0xff, 4);
	memset(&x.mask.dst, 0xff, 4);
	x.mask.dport = 0xffff;
	x.timeout = 300;
	x.attrs = CTX_BIT(CTX_A_TIMEOUT) | CTX_BIT(CTX_A_FLAGS) |
	    CTX_BIT(CTX_A_CLASS) | CTX_BIT(CTX_A_HELPER);
	strcpy(x.helper, "ftp");
	return x;
}

#endif
