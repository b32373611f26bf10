#!/usr/bin/env python3
"""The FTP client of the tests, in passive mode, in two halves: log in and
ask PASV, say so, wait until the file GO exists (the test fails the
firewalls over meanwhile), then open the data connection and RETR.
Prints `data: <line>' or `data: failed (<why>)'."""
import os, re, socket, sys, time

host, port, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = socket.create_connection((host, port), timeout=5)
f = c.makefile("rwb", buffering=0)
f.readline()
for cmd in (b"USER test", b"PASS test"):
    f.write(cmd + b"\r\n")
    f.readline()
f.write(b"PASV\r\n")
m = re.search(rb"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)", f.readline())
dhost = ".".join(x.decode() for x in m.groups()[:4])
dport = int(m.group(5)) * 256 + int(m.group(6))
print("pasv", dhost, dport, flush=True)
while not os.path.exists(go):
    time.sleep(0.1)
try:
    d = socket.create_connection((dhost, dport), timeout=4)
    f.write(b"RETR file\r\n")
    print("data:", d.makefile("rb").readline().decode().strip(), flush=True)
except OSError as e:
    print("data: failed (%s)" % e, flush=True)
