#!/usr/bin/env python3
# Seeds for fuzz_sync (tests/fuzz/fuzz_sync.c explains the input), built
# from the conntrackd captures in tests/unit/test_wire.c: for each setup
# (FTFW, NOTRACK, ALARM; UDP or TCP; with or without Authentication) a
# peer's HELLO and data, a gap to NACK, ACKs of what the node sent after
# kernel events, a RESYNC, expectations, a sequence far ahead, a stranger.
# Usage: sync_seeds.py OUTDIR; then merge into tests/fuzz/corpus/sync with
# fuzz_sync -merge=1.
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = open(os.path.join(HERE, '../../unit/test_wire.c')).read()


def capture(name):
    m = re.search(r'static const uint8_t %s\[\] = \{[^\n]*\n(.*?)\};' % name,
                  SRC, re.S)
    return bytes(int(x, 16) for x in re.findall(r'0x([0-9a-fA-F]{2})',
                                                m.group(1)))


CT, EXP = capture('capture_ct_new'), capture('capture_exp_new')
HELLO, ALIVE, ACK, NACK, RESYNC = 0x20, 0x10, 0x08, 0x04, 0x02


def data(base, kind, flags, seq, last_addr_byte=None):
    b = bytearray(base)
    b[0] = (b[0] & 0xf0) | kind
    b[1] = flags
    b[4:8] = struct.pack('>I', seq)
    if last_addr_byte is not None:
        b[15] = last_addr_byte          # another source address
    return bytes(b)


def control(flags, seq, frm=0, to=0):
    return bytes([0x1a, flags]) + struct.pack('>HIII', 16, seq, frm, to)


def tagged(flags, seq, frm, to, addr):
    """An ACK/NACK naming the node it is for (multicast links)."""
    return bytes([0x1a, flags]) + struct.pack('>HIII', 16 + len(addr), seq,
                                              frm, to) + addr


def ext(seq, kind, epoch, body=b''):
    """ctsyncd's anti-entropy message: an ALIVE with a payload."""
    payload = b'CTSY' + bytes([1, kind, 0, 0]) + struct.pack('>I', epoch) + body
    return bytes([0x1a, ALIVE]) + struct.pack('>HI', 8 + len(payload),
                                              seq) + payload


RANGES = 256
CAPS, DIGEST, DIFF, DONE = 1, 2, 3, 4
ALL = bytes([0xff]) * (RANGES // 8)


def op(code, arg, payload):
    return bytes([code, arg]) + struct.pack('>H', len(payload)) + payload


def peer(p, cut=0):
    return op(0, cut, p)


RUN = bytes([1])
S = 1000
SCENARIOS = {
    'hello-then-data': [peer(data(CT, 0, HELLO, S, 1)),
                        peer(data(CT, 0, 0, S + 1, 2) + data(CT, 1, 0, S + 2, 2)),
                        RUN, peer(data(CT, 2, 0, S + 3, 1)), RUN],
    'gap-nack': [peer(data(CT, 0, 0, S, 1)), peer(data(CT, 0, 0, S + 4, 2)), RUN,
                 peer(data(CT, 0, 0, S + 1, 3) + data(CT, 0, 0, S + 2, 4)), RUN],
    'events-ack': [op(2, 0, data(CT, 0, 0, 1, 1)), op(2, 1, data(CT, 0, 0, 1, 1)),
                   RUN, peer(control(ACK, S, 0, 0xffffffff)),
                   op(2, 2, data(CT, 0, 0, 1, 1)), RUN,
                   peer(control(NACK, S + 1, 0, 0xffffffff)), RUN],
    'resync': [peer(control(RESYNC, S)), op(2, 3, data(CT, 0, 0, 1, 5)), RUN, RUN],
    'expectation': [peer(data(EXP, 3, 0, S)), peer(data(EXP, 5, 0, S + 1)), RUN],
    'far-sequence': [peer(data(CT, 0, 0, S, 1))] +
                    [peer(data(CT, 0, 0, S + (1 << 30) + i, 1)) for i in range(9)] +
                    [RUN],
    'anti-entropy': [peer(ext(S, CAPS, 0)), peer(data(CT, 0, 0, S + 1, 1)),
                     op(2, 0, data(CT, 0, 0, 1, 7)), RUN,
                     peer(ext(S + 2, DIGEST, 1,
                              struct.pack('>I', 1) + bytes(4 * RANGES))),
                     peer(ext(S + 3, DIFF, 1, ALL)), RUN,
                     peer(ext(S + 4, DONE, 1, ALL)), RUN],
    'tagged-ack': [op(2, 0, data(CT, 0, 0, 1, 1)), RUN,
                   peer(tagged(ACK, S, 0, 0xffffffff, bytes([127, 0, 0, 1]))),
                   peer(tagged(NACK, S + 1, 0, 0xffffffff,
                               bytes(16))), RUN],
    'stranger': [op(3, 0, data(CT, 0, 0, S, 1)), peer(data(CT, 0, 0, S + 1, 1)),
                 peer(control(ALIVE, S + 2)), RUN],
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for setup in (0, 1, 2, 4, 5, 8, 12):    # mode | TCP << 2 | auth << 3
    for name, ops in SCENARIOS.items():
        if setup & 4:                    # a stream: hold back 5 bytes
            ops = [o if o[0] != 0 else o[:1] + bytes([5]) + o[2:] for o in ops]
        with open(os.path.join(out, '%02d-%s' % (setup, name)), 'wb') as f:
            f.write(bytes([setup]) + b''.join(ops))
