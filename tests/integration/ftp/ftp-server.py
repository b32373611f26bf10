#!/usr/bin/env python3
"""A tiny FTP server for the tests: USER, PASS, PASV, RETR (any name: the
data connection carries one line), QUIT.  Passive mode only; the data
port is the one given on the command line."""
import socket, sys

ctl_port, data_port = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", ctl_port))
srv.listen(4)
def serve(c):
    f = c.makefile("rwb", buffering=0)
    f.write(b"220 ready\r\n")
    data = None
    for line in f:
        cmd = line.decode(errors="replace").strip().split(" ")[0].upper()
        if cmd == "USER":
            f.write(b"331 password\r\n")
        elif cmd == "PASS":
            f.write(b"230 in\r\n")
        elif cmd == "PASV":
            data = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            data.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            data.bind(("0.0.0.0", data_port))
            data.listen(1)
            ip = c.getsockname()[0].replace(".", ",")
            f.write(b"227 Entering Passive Mode (%s,%d,%d)\r\n" %
                    (ip.encode(), data_port >> 8, data_port & 0xff))
        elif cmd == "RETR" and data is not None:
            f.write(b"150 here it comes\r\n")
            d, _ = data.accept()
            d.sendall(b"the data connection works\r\n")
            d.close()
            data.close()
            data = None
            f.write(b"226 done\r\n")
        elif cmd == "QUIT":
            f.write(b"221 bye\r\n")
            break
        else:
            f.write(b"502 no\r\n")
    if data is not None:
        data.close()

while True:
    c, _ = srv.accept()
    try:
        serve(c)
    except OSError:
        pass    # the client went away mid-session: the next one
    c.close()
