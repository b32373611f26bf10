#!/usr/bin/env python3
"""Hold N TCP connections to HOST:PORT for SECONDS, each exchanging a line
every half second; a connection fails if an answer does not come within
TIMEOUT seconds or the connection breaks.  Prints `alive N' at the end."""
import socket, sys, time

host, port, n, seconds, timeout = (sys.argv[1], int(sys.argv[2]),
    int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
conns = []
for i in range(n):
    c = socket.create_connection((host, port), timeout=timeout)
    conns.append([c, c.makefile("rb"), True])
end = time.time() + seconds
k = 0
while time.time() < end:
    for c in conns:
        if not c[2]:
            continue
        try:
            msg = b"line %d\n" % k
            c[0].sendall(msg)
            if c[1].readline() != msg:
                c[2] = False
        except OSError:
            c[2] = False
    k += 1
    time.sleep(0.5)
print("alive", sum(1 for c in conns if c[2]), flush=True)
