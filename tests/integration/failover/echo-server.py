#!/usr/bin/env python3
"""A TCP echo server: each line sent is sent back (threaded)."""
import socket, sys, threading

def serve(conn):
    with conn:
        f = conn.makefile("rb")
        for line in f:
            conn.sendall(line)

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
