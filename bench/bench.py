#!/usr/bin/env python3
"""ctsyncd and conntrackd 1.4.7 side by side, in one run, on the same work.

Two network namespaces A (primary) and B (backup) joined by a veth
dedicated link; a pair of daemons (both ctsyncd, or both conntrackd, with
the same FT-FW/UDP configuration and buffer sizes); bench/ctload writes
conntrack entries into A's kernel with batched netlink.  Every trial gets
fresh namespaces (so both kernel tables start empty) and freshly started
daemons; the trials of the two daemons are interleaved so that machine
drift hits both.  See the README's benchmark section.

Run as root from `make bench` (BENCH_FLAGS="--quick" for a one-minute
run, "--only churn,lossy" for some sections).
"""
import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PORT = 3780
DAEMONS = ("ctsyncd", "conntrackd")
TICK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(*args, check=True, capture=True, timeout=600):
    r = subprocess.run(args, stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), r.returncode,
                                                (r.stderr or "").strip()))
    return r


# --- processes: CPU and memory summed over a daemon's whole tree ----------

def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pids):
    """Run time of every thread (ns, from schedstat) plus the reaped
    children's time (ticks) of each process."""
    total = 0.0
    for p in pids:
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/schedstat" % (p, t)) as f:
                    total += int(f.read().split()[0]) / 1e9
            with open("/proc/%d/stat" % p) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[13]) + int(fields[14])) / TICK
        except OSError:
            pass
    return total


def rss_bytes(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


# --- the two nodes ---------------------------------------------------------

class Pair:
    """Namespaces A and B joined by veth0 (10.98.0.1 / .2)."""
    seq = 0

    def __init__(self, prefix):
        Pair.seq += 1
        self.a = "%s-%d-a" % (prefix, Pair.seq)
        self.b = "%s-%d-b" % (prefix, Pair.seq)
        for ns in (self.a, self.b):
            run("ip", "netns", "add", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "link", "add", "veth0", "netns", self.a, "type", "veth",
            "peer", "name", "veth0", "netns", self.b)
        run("ip", "-n", self.a, "addr", "add", "10.98.0.1/24", "dev", "veth0")
        run("ip", "-n", self.b, "addr", "add", "10.98.0.2/24", "dev", "veth0")
        for ns in (self.a, self.b):
            run("ip", "-n", ns, "link", "set", "veth0", "up")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if all("LOWER_UP" in run("ip", "-n", ns, "link", "show",
                                     "veth0").stdout for ns in (self.a, self.b)):
                return
            time.sleep(0.05)
        raise RuntimeError("veth carrier did not come up")

    def remove(self):
        for ns in (self.a, self.b):
            r = run("ip", "netns", "pids", ns, check=False)
            for p in r.stdout.split():
                try:
                    os.kill(int(p), signal.SIGKILL)
                except OSError:
                    pass
            run("ip", "netns", "exec", ns, "conntrack", "-F", check=False)
            run("ip", "netns", "del", ns, check=False)


def write_conf(path, kind, folder, local, peer, opts):
    general = ["LogFile %s/daemon.log" % folder,
               "LockFile %s/daemon.lock" % folder,
               "UNIX { Path %s/ctl.sock }" % folder,
               "HashSize %d" % opts["hashsize"],
               "HashLimit %d" % opts["hashlimit"]]
    if opts["netlink_buffer"]:
        general += ["NetlinkBufferSize %d" % opts["netlink_buffer"],
                    "NetlinkBufferSizeMaxGrowth %d" % opts["netlink_growth"]]
    text = "General {\n\t%s\n}\n" % "\n\t".join(general)
    auth = ""
    if opts.get("auth"):
        # ctsyncd's Authentication; both nodes must hold the same key
        key = "%s/../sync.key" % folder
        if not os.path.exists(key):
            fd = os.open(key, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, (os.urandom(32).hex() + "\n").encode())
            os.close(fd)
        auth = "\tAuthentication { KeyFile %s }\n" % os.path.abspath(key)
    # hot standby: the peer's states go straight into the kernel
    mode = "DisableExternalCache On " if opts.get("hot_standby") else ""
    text += ("Sync {\n\tMode FTFW { %s}\n\tUDP {\n\t\tIPv4_address %s\n"
             "\t\tIPv4_Destination_Address %s\n\t\tPort %d\n"
             "\t\tInterface veth0\n\t}\n%s}\n" %
             (mode, local, peer, PORT, auth))
    if kind == "ctsyncd":
        os.makedirs("%s/empty" % folder, exist_ok=True)
        text += "Privsep { ChrootDirectory %s/empty }\n" % folder
    with open(path, "w") as f:
        f.write(text)


class Daemon:
    def __init__(self, bench, kind, ns, folder, local, peer, opts):
        self.bench, self.kind, self.ns = bench, kind, ns
        self.binary = bench.binary[kind]
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o755)
        self.conf = "%s/daemon.conf" % folder
        self.folder = folder
        write_conf(self.conf, kind, folder, local, peer, opts)
        self.proc = None

    def start(self):
        out = open("%s/stdout" % self.folder, "w")
        self.proc = subprocess.Popen(
            self.bench.pinned(self.ns) +
            ["ip", "netns", "exec", self.ns, self.binary, "-C", self.conf],
            stdout=out, stderr=subprocess.STDOUT, env=self.bench.env)
        deadline = time.monotonic() + 10
        while self.client("-s", "cache", check=False).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("%s did not start in %s (see %s)" %
                                   (self.kind, self.ns, self.folder))
            time.sleep(0.02)

    def stop(self):
        if self.proc is None:
            return
        self.client("-k", check=False)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            for p in tree(self.proc.pid):
                os.kill(p, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def client(self, *args, check=True, timeout=120):
        """The control socket is a path: no need to enter the netns."""
        return run(self.binary, "-C", self.conf, *args, check=check,
                   timeout=timeout)

    def pids(self):
        return tree(self.proc.pid)

    def cpu(self):
        return cpu_seconds(self.pids())

    def rss(self):
        return rss_bytes(self.pids())

    def count(self, cache="external"):
        """Live objects of a cache, from `-s cache' (same layout in both)."""
        out = self.client("-s", "cache").stdout
        block = out.split("cache:%s" % cache, 1)[1]
        m = re.search(r"active/total entries:\s+(\d+)/", block)
        return int(m.group(1))

    def external_keys(self):
        """Entry numbers (ctload's i) of the external cache."""
        keys = set()
        out = self.client("-e", timeout=300).stdout
        for m in re.finditer(r"src=10\.(\d+)\.(\d+)\.(\d+) ", out):
            keys.add((int(m.group(1)) << 16 | int(m.group(2)) << 8 |
                      int(m.group(3))) - 1)
        return keys

    def wait_count(self, n, timeout, cache="external", poll=0.005):
        """Polls until the cache holds n; returns (monotonic time reached
        or None, last count)."""
        deadline = time.monotonic() + timeout
        while True:
            c = self.count(cache)
            t = time.monotonic()
            if c == n:
                return t, c
            if t > deadline:
                return None, c
            time.sleep(poll if t < deadline - timeout + 2 else
                       max(poll, 0.05))


# --- results -----------------------------------------------------------------

class Results:
    def __init__(self):
        self.figs = {}          # name -> {"unit", "better", daemon: [values]}
        self.order = []

    # ctsyncd against itself: Authentication off and on (section auth)
    AUTH = ("auth_off", "auth_on")

    def add(self, name, daemon, value, unit, better="lower"):
        if name not in self.figs:
            self.figs[name] = {"unit": unit, "better": better}
            self.order.append(name)
        self.figs[name].setdefault(daemon, []).append(value)

    def is_auth(self, name):
        return any(d in self.figs[name] for d in self.AUTH)

    @staticmethod
    def summary(values):
        return statistics.median(values), min(values), max(values)

    def ratio(self, fig, pair=DAEMONS):
        """pair[0] / pair[1], or for the auth figures on / off."""
        if pair == DAEMONS and any(d in fig for d in self.AUTH):
            pair = (self.AUTH[1], self.AUTH[0])
        if not all(d in fig for d in pair):
            return None
        a = statistics.median(fig[pair[0]])
        b = statistics.median(fig[pair[1]])
        if b <= 0:      # a lag below zero: no ratio says anything
            return None
        return a / b

    def print_table(self):
        def fmt(v):
            if v is None:
                return "-"
            if abs(v) >= 100 or v == int(v):
                return "%.0f" % v
            return "%.2f" % v if abs(v) < 10 else "%.1f" % v

        def cell(fig, d):
            if d not in fig:
                return "-"
            med, lo, hi = self.summary(fig[d])
            if lo == hi:
                return fmt(med)
            return "%s [%s..%s]" % (fmt(med), fmt(lo), fmt(hi))

        def table(title, head, cols, names):
            rows = [("figure", "unit") + head + ("ratio",)]
            for name in names:
                fig = self.figs[name]
                r = self.ratio(fig)
                rows.append((name, fig["unit"]) +
                            tuple(cell(fig, c) for c in cols) +
                            ("-" if r is None else "%.2f" % r,))
            widths = [max(len(r[i]) for r in rows)
                      for i in range(len(rows[0]))]
            print()
            print(title)
            for r in rows:
                print("  ".join(c.ljust(widths[i]) if i < 2
                                else c.rjust(widths[i])
                                for i, c in enumerate(r)))

        plain = [n for n in self.order if not self.is_auth(n)]
        auth = [n for n in self.order if self.is_auth(n)]
        if plain:
            table("median [min..max] over the repetitions; ratio = "
                  "ctsyncd / conntrackd (medians)",
                  ("no daemon", "ctsyncd", "conntrackd"),
                  ("kernel", "ctsyncd", "conntrackd"), plain)
        if auth:
            table("ctsyncd with Authentication off and on, same run; "
                  "ratio = on / off (medians)", ("off", "on"), self.AUTH,
                  auth)

    def print_machine(self, commit):
        print()
        for name in self.order:
            fig = self.figs[name]
            parts = ["BENCH", "commit=%s" % commit, "figure=%s" % name,
                     "unit=%s" % fig["unit"]]
            for d in ("ctsyncd", "conntrackd", "kernel") + self.AUTH:
                if d in fig:
                    med, lo, hi = self.summary(fig[d])
                    parts.append("%s=%g,%g,%g,n=%d" % (d, med, lo, hi,
                                                     len(fig[d])))
            r = self.ratio(fig)
            if r is not None:
                parts.append("ratio=%.3f" % r)
            print(" ".join(parts))


# --- the benchmark -------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.ctload = "%s/bench/ctload" % self.build
        self.binary = {"ctsyncd": "%s/supervisor/ctsyncd" % self.build,
                       "conntrackd": shutil.which("conntrackd") or
                       "/usr/sbin/conntrackd"}
        self.tmp = tempfile.mkdtemp(prefix="ctsyncd-bench.")
        os.chmod(self.tmp, 0o755)
        libexec = "%s/libexec" % self.tmp
        os.makedirs(libexec)
        for w in ("netlink-worker/ctsyncd-netlink",
                  "sync-worker/ctsyncd-sync",
                  "netlink-worker/ctsyncd-commit"):
            os.symlink("%s/%s" % (self.build, w),
                       "%s/%s" % (libexec, os.path.basename(w)))
        self.env = dict(os.environ, CTSYNCD_LIBEXECDIR=libexec)
        self.prefix = "ctb%d" % os.getpid()
        self.res = Results()
        self.pairs = []
        self.saved_sysctl = {}

    # - set-up --------------------------------------------------------------

    def opts(self, **kw):
        o = {"hashsize": 65536, "hashlimit": 1048576,
             "netlink_buffer": 2097152, "netlink_growth": 8388608}
        o.update(kw)
        return o

    def nodes(self, kind, opts):
        pair = Pair(self.prefix)
        self.pairs.append(pair)
        folder = "%s/%s-%d" % (self.tmp, kind, Pair.seq)
        a = Daemon(self, kind, pair.a, folder + "/a", "10.98.0.1",
                   "10.98.0.2", opts)
        b = Daemon(self, kind, pair.b, folder + "/b", "10.98.0.2",
                   "10.98.0.1", opts)
        return pair, a, b

    def teardown(self, pair, *daemons):
        for d in daemons:
            d.stop()
        pair.remove()
        self.pairs.remove(pair)

    def load(self, ns, *args, check=True):
        r = run(*self.pinned(ns), "ip", "netns", "exec", ns, self.ctload,
                *args, check=check)
        return [float(x) for x in r.stdout.split()]

    def wait_peers(self, a, b):
        """Both daemons have exchanged messages: one state made it over."""
        self.load_one(a.ns)
        if b.wait_count(1, 10)[0] is None:
            raise RuntimeError("%s peers never exchanged a message" % a.kind)
        self.load(a.ns, "delete", "1", "11")
        if b.wait_count(0, 10)[0] is None:
            raise RuntimeError("%s: the warm-up state was not destroyed"
                               % a.kind)

    def pinned(self, ns):
        """The command prefix that keeps a node on its own CPU, as two
        machines would be: A's daemon and ctload on CPU 0, B's on CPU 1.
        Unpinned, the scheduler decides whether B reads the datagrams on
        the CPU that sent them (cheap) or not, and B's figure with it."""
        if not self.args.pin or os.cpu_count() < 2:
            return []
        return ["taskset", "-c", "0" if ns.endswith("-a") else "1"]

    def load_one(self, ns):
        self.load(ns, "create", "1", "11")

    def sysctl(self, key, value):
        path = "/proc/sys/" + key.replace(".", "/")
        with open(path) as f:
            self.saved_sysctl.setdefault(path, f.read().strip())
        with open(path, "w") as f:
            f.write(str(value))

    def restore(self):
        for pair in list(self.pairs):
            pair.remove()
        for path, value in self.saved_sysctl.items():
            with open(path, "w") as f:
                f.write(value)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def print_settings(self):
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        ver = run("conntrackd", "-v", check=False)
        print("kernel %s, %d CPUs (%s)" % (platform.release(),
                                           os.cpu_count(), cpu))
        print("conntrackd: %s" % (ver.stdout + ver.stderr).strip().split(
            "\n")[0])
        print("ctsyncd: %s" % run(self.binary["ctsyncd"], "-v",
                                  check=False).stdout.strip())
        print("nf_conntrack_max %s, buckets %s" % (
            open("/proc/sys/net/netfilter/nf_conntrack_max").read().strip(),
            open("/proc/sys/net/netfilter/nf_conntrack_buckets").read()
            .strip()))
        print("both daemons: FT-FW over UDP on a veth, HashSize 65536, "
              "HashLimit 1048576, NetlinkBufferSize 2097152 (growth to "
              "8388608) unless a section says otherwise; %d repetitions, "
              "interleaved; %s" % (self.args.reps,
                  "A (daemon and ctload) on CPU 0, B on CPU 1"
                  if self.pinned("x-a") else "nodes not pinned"))
        sys.stdout.flush()

    # - 1. the kernel and the load generator alone ---------------------------

    def limits(self, n):
        for _ in range(self.args.reps):
            pair = Pair(self.prefix)
            self.pairs.append(pair)
            _, t = self.load(pair.a, "create", str(n))
            self.res.add("limits.insert", "kernel", n / t / 1e3, "k/s",
                         "higher")
            self.load(pair.a, "delete", str(n))
            # the same with a new-entry listener in the other namespace,
            # as A's daemon is during B's commit: netlink's listener
            # masks are per protocol, not per namespace, so the kernel
            # builds each event and then finds no one in B to take it
            listener = self.new_listener(pair.b)
            try:
                _, t = self.load(pair.a, "create", str(n))
            finally:
                listener.kill()
                listener.wait()
            self.res.add("limits.insert_listened", "kernel", n / t / 1e3,
                         "k/s", "higher")
            _, t, count = self.load(pair.a, "dump")
            if count != n:
                raise RuntimeError("dump found %d of %d" % (count, n))
            self.res.add("limits.dump", "kernel", n / t / 1e3, "k/s",
                         "higher")
            _, t = self.load(pair.a, "delete", str(n))
            self.res.add("limits.delete", "kernel", n / t / 1e3, "k/s",
                         "higher")
            self.teardown(pair)

    def new_listener(self, ns):
        """A socket in `ns' subscribed to new-entry events, never read."""
        code = ("import socket, sys, time\n"
                "s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)\n"
                "s.bind((0, 1))\n"
                "print('ready', flush=True)\n"
                "time.sleep(3600)\n")
        p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable,
                              "-c", code], stdout=subprocess.PIPE, text=True)
        if p.stdout.readline().strip() != "ready":
            raise RuntimeError("the event listener did not start")
        return p

    # The datagrams B receives on the sync port that carry states (a
    # message of type 0..5, wire-protocol.md 3.3), with the kernel's
    # arrival time on CLOCK_MONOTONIC, written out when it is stopped.
    SNIFFER = r"""
import signal, socket, struct, sys, time
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)    # SO_RCVBUFFORCE
s.setsockopt(socket.SOL_SOCKET, 35, 1)           # SO_TIMESTAMPNS
s.bind(("veth0", 0x0800))
port = int(sys.argv[1])
off = time.time() - time.monotonic()
last = None
print("ready", flush=True)
try:
    while True:
        data, anc, _, addr = s.recvmsg(65536, 64)
        if addr[2] != socket.PACKET_HOST or len(data) < 28 or data[9] != 17:
            continue
        ihl = (data[0] & 15) * 4
        if struct.unpack("!H", data[ihl + 2:ihl + 4])[0] != port:
            continue
        i, carries = ihl + 8, False
        while i + 4 <= len(data):
            if data[i] & 15 <= 5:
                carries = True
                break
            i += max(4, struct.unpack("!H", data[i + 2:i + 4])[0])
        if carries:
            for _, typ, val in anc:
                if typ == 35:
                    sec, nsec = struct.unpack("qq", val[:16])
                    last = sec + nsec / 1e9 - off
finally:
    print("%.6f" % last if last else "none", flush=True)
"""

    def sniff(self, pair):
        """Started before a trial, in B's namespace and on A's CPU (not
        beside B); `sniff_last' gives the arrival of the last datagram
        with states."""
        p = subprocess.Popen(self.pinned(pair.a) +
                             ["ip", "netns", "exec", pair.b, sys.executable,
                              "-c", self.SNIFFER, str(PORT)],
                             stdout=subprocess.PIPE, text=True)
        if p.stdout.readline().strip() != "ready":
            raise RuntimeError("the sniffer did not start")
        return p

    @staticmethod
    def sniff_last(p):
        p.terminate()
        out = p.communicate()[0].strip()
        return None if out in ("", "none") else float(out)

    # - 2, 3, 4, 5, 7, 9: a burst, then resync, bulk send and commit ---------

    def burst_trial(self, kind, n, label, opts, extras, timeout,
                    column=None, rate=0, batch=0):
        """n new states in A's kernel, all at once or at `rate' states/s,
        `batch' per netlink system call (0: about 400)."""
        column = column or kind
        pair, a, b = self.nodes(kind, opts)
        try:
            a.start()
            b.start()
            self.wait_peers(a, b)
            rss0 = (a.rss(), b.rss())
            sniffer = self.sniff(pair)
            cpu0 = (a.cpu(), b.cpu())
            start, dur = self.load(pair.a, "create", str(n), "10",
                                   str(rate), str(batch))
            # the lag comes from the wire: B is asked how many it holds
            # only every 0.1 s, which costs it little (every 5 ms it was
            # a tenth of B's CPU in a 2 s trial, and ctsyncd's answer
            # wakes two processes)
            reached, got = b.wait_count(n, timeout + (n / rate if rate else 0),
                                        poll=0.1)
            end = start + dur
            if reached is not None:
                time.sleep(0.3)     # acknowledgements, the last heartbeats
            cpu1 = (a.cpu(), b.cpu())
            last = self.sniff_last(sniffer)
            name = "%s.n%s" % (label, kfmt(n))
            if rate:
                name += ".r%s" % kfmt(rate)
            if batch:
                name += ".b%d" % batch
            self.res.add(name + ".missing", column, n - got, "states")
            # the last states on the wire to B after the last insert (B
            # applies a datagram within microseconds; polling its cache
            # through a client every 5 ms measured in steps of ~8 ms).
            # Not with Authentication: sealed, a datagram with states
            # looks like one without (FT-FW's tail probe, 50 ms after the
            # last data, was taken for the last states)
            if reached is not None and last is not None and \
                    not opts.get("auth"):
                self.res.add(name + ".lag", column, (last - end) * 1e3,
                             "ms")
            self.res.add(name + ".insert_rate", column, n / dur / 1e3,
                         "k/s", "higher")
            if "replication" in label or label == "shapes":
                self.res.add(name + ".cpu_A", column,
                             (cpu1[0] - cpu0[0]) * 1e3 / (n / 1e3),
                             "ms/1k")
                self.res.add(name + ".cpu_B", column,
                             (cpu1[1] - cpu0[1]) * 1e3 / (n / 1e3),
                             "ms/1k")
            if extras and reached is not None:
                self.res.add("memory.n%s.A" % kfmt(n), kind,
                             (a.rss() - rss0[0]) / n, "B/state")
                self.res.add("memory.n%s.B" % kfmt(n), kind,
                             (b.rss() - rss0[1]) / n, "B/state")
                self.res.add("memory.n%s.total_A" % kfmt(n), kind,
                             a.rss() / 1e6, "MB")
                self.res.add("memory.n%s.total_B" % kfmt(n), kind,
                             b.rss() / 1e6, "MB")
                self.resend(kind, a, b, n, "resync", lambda: b.client("-n"))
                self.resend(kind, a, b, n, "bulk", lambda: a.client("-B"))
                self.commit(kind, pair, b, n, "commit")
                # as at a takeover after the primary failed: on two
                # machines A's daemon would not listen in B's kernel
                a.stop()
                run("ip", "netns", "exec", pair.b, "conntrack", "-F",
                    check=False)
                # the flush's destroys may overrun B's event socket:
                # then its resync (NetlinkOverrunResync, 30 s) makes up
                if b.wait_count(0, 45, cache="internal")[0] is None:
                    log("%s: B's internal cache not empty 45 s after "
                        "conntrack -F: no commit_alone in this trial" % kind)
                else:
                    self.commit(kind, pair, b, n, "commit_alone")
        finally:
            self.teardown(pair, a, b)

    def empty_external(self, kind, b):
        """-f external on B once the link is quiet: messages still in
        flight (resent, say) would fill it again."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            b.client("-f", "external")
            time.sleep(0.3)
            left = b.count()
            if left == 0:
                return
            log("%s: %d states came back after -f external; again"
                % (kind, left))
        raise RuntimeError("%s: -f external never left B empty" % kind)

    def resend(self, kind, a, b, n, label, action):
        self.empty_external(kind, b)
        t0 = time.monotonic()
        action()
        reached, got = b.wait_count(n, 10 + n / 20000, poll=0.01)
        name = "%s.n%s" % (label, kfmt(n))
        self.res.add(name + ".missing", kind, n - got, "states")
        if reached is not None:
            self.res.add(name + ".rate", kind, n / (reached - t0) / 1e3,
                         "k/s", "higher")
        else:
            time.sleep(1)

    def commit(self, kind, pair, b, n, label):
        """B's -c; the rate at which its kernel reached n entries, and
        the time until -c returned."""
        # the observer sits on A's idle CPU, not beside B's commit
        waiter = subprocess.Popen(
            self.pinned(pair.a) +
            ["ip", "netns", "exec", pair.b, self.ctload, "wait", str(n),
             str(int(20 + n / 10000))], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        time.sleep(0.05)
        t0 = time.monotonic()
        b.client("-c", timeout=300)
        returned = time.monotonic() - t0
        out, err = waiter.communicate()
        name = "%s.n%s" % (label, kfmt(n))
        self.res.add(name + ".returned", kind, returned, "s")
        if waiter.returncode == 0:
            start, dur = (float(x) for x in out.split())
            self.res.add(name + ".rate", kind, n / (start + dur - t0) / 1e3,
                         "k/s", "higher")
            self.res.add(name + ".missing", kind, 0, "states")
        else:
            # "ctload: C entries, not N, after Ts"
            m = re.match(r"ctload: (\d+) entries", err)
            got = int(m.group(1)) if m else 0
            self.res.add(name + ".missing", kind, n - got, "states")

    # - 6. churn -----------------------------------------------------------

    def churn_trial(self, kind, rate, secs, opts=None, prefix="",
                    column=None):
        column = column or kind
        pair, a, b = self.nodes(kind, opts or self.opts())
        try:
            a.start()
            b.start()
            self.wait_peers(a, b)
            cpu0 = (a.cpu(), b.cpu())
            _, dur, events, lo, hi = self.load(pair.a, "churn", str(rate),
                                               str(secs))
            live = set(range(int(lo), int(hi)))
            # quiesce: until B holds exactly A's live set, for at most 15 s
            deadline = time.monotonic() + 15
            while True:
                keys = b.external_keys()
                if keys == live or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            cpu1 = (a.cpu(), b.cpu())
            name = "%schurn.r%s" % (prefix, kfmt(rate))
            self.res.add(name + ".achieved", column, events / dur / 1e3,
                         "k ev/s", "higher")
            self.res.add(name + ".missing", column, len(live - keys),
                         "states")
            self.res.add(name + ".stale", column, len(keys - live), "states")
            self.res.add(name + ".cpu_A", column,
                         (cpu1[0] - cpu0[0]) * 1e3 / (events / 1e3), "ms/1k")
            self.res.add(name + ".cpu_B", column,
                         (cpu1[1] - cpu0[1]) * 1e3 / (events / 1e3), "ms/1k")
        finally:
            self.teardown(pair, a, b)

    # - hot standby -----------------------------------------------------------

    def kernel_wait(self, pair, n, timeout):
        """A process that waits until B's kernel table holds n entries; it
        polls a counter every millisecond, on A's CPU, not beside B."""
        return subprocess.Popen(
            self.pinned(pair.a) +
            ["ip", "netns", "exec", pair.b, self.ctload, "wait", str(n),
             str(timeout)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)

    def standby_trial(self, kind, n, idle_secs):
        """Hot standby (DisableExternalCache on both nodes): B writes A's
        states into its kernel as they come.  What that costs B per state,
        how fast its kernel gets them, and both nodes' CPU while nothing
        changes (ctsyncd then sends quiet entries again before B's copies
        time out and compares digests; conntrackd does neither)."""
        pair, a, b = self.nodes(kind, self.opts(hot_standby=True))
        try:
            a.start()
            b.start()
            self.load_one(pair.a)       # the peers hear each other
            if self.kernel_wait(pair, 1, 10).wait() != 0:
                raise RuntimeError("%s: hot standby peers never exchanged "
                                   "a state" % kind)
            self.load(pair.a, "delete", "1", "11")
            self.kernel_wait(pair, 0, 10).wait()
            cpu0 = (a.cpu(), b.cpu())
            waiter = self.kernel_wait(pair, n, int(30 + n / 10000))
            start, dur = self.load(pair.a, "create", str(n), "10")
            out, err = waiter.communicate()
            name = "standby.n%s" % kfmt(n)
            if waiter.returncode != 0:
                m = re.match(r"ctload: (\d+) entries", err)
                got = int(m.group(1)) if m else 0
                self.res.add(name + ".missing", kind, n - got, "states")
                return
            wstart, wdur = (float(x) for x in out.split())
            time.sleep(0.3)     # acknowledgements, the last heartbeats
            cpu1 = (a.cpu(), b.cpu())
            self.res.add(name + ".missing", kind, 0, "states")
            self.res.add(name + ".lag", kind,
                         (wstart + wdur - start - dur) * 1e3, "ms")
            self.res.add(name + ".kernel_rate_B", kind,
                         n / (wstart + wdur - start) / 1e3, "k/s", "higher")
            self.res.add(name + ".cpu_A", kind,
                         (cpu1[0] - cpu0[0]) * 1e3 / (n / 1e3), "ms/1k")
            self.res.add(name + ".cpu_B", kind,
                         (cpu1[1] - cpu0[1]) * 1e3 / (n / 1e3), "ms/1k")
            time.sleep(1)
            cpu0 = (a.cpu(), b.cpu())
            time.sleep(idle_secs)
            cpu1 = (a.cpu(), b.cpu())
            self.res.add(name + ".idle_cpu_A", kind,
                         (cpu1[0] - cpu0[0]) * 1e3 / idle_secs, "ms/s")
            self.res.add(name + ".idle_cpu_B", kind,
                         (cpu1[1] - cpu0[1]) * 1e3 / idle_secs, "ms/s")
        finally:
            self.teardown(pair, a, b)

    # - 8. lossy link --------------------------------------------------------

    def drop_rule(self, ns):
        rules = ("table inet bench {\n chain in {\n"
                 "  type filter hook input priority 0;\n"
                 "  udp dport %d numgen random mod 100 < 5 drop\n }\n}\n"
                 % PORT)
        r = subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"],
                           input=rules, text=True, capture_output=True)
        if r.returncode != 0:
            raise RuntimeError("nft: %s" % r.stderr.strip())

    def lossy_trial(self, kind, n, warm, timeout):
        pair, a, b = self.nodes(kind, self.opts())
        try:
            if not warm:
                self.drop_rule(pair.b)
            a.start()
            b.start()
            if warm:
                self.wait_peers(a, b)
                self.drop_rule(pair.b)
            start, dur = self.load(pair.a, "create", str(n))
            reached, got = b.wait_count(n, timeout, poll=0.05)
            name = "lossy.%s.n%s" % ("warm" if warm else "cold", kfmt(n))
            self.res.add(name + ".missing", kind, n - got, "states")
            if reached is not None:
                self.res.add(name + ".converge", kind,
                             (reached - start - dur), "s")
            self.load(pair.a, "delete", str(n))
            _, left = b.wait_count(0, timeout / 2, poll=0.05)
            self.res.add(name + ".stale", kind, left, "states")
        finally:
            self.teardown(pair, a, b)

    # - the plan ----------------------------------------------------------------

    def each(self, fn, *args, **kw):
        for _ in range(self.args.reps):
            for kind in DAEMONS:
                fn(kind, *args, **kw)

    def sections(self):
        quick = self.args.quick
        return {
            "limits": lambda: self.limits(50000 if quick else 250000),
            "replication": lambda: [
                self.each(self.burst_trial, n, "replication", self.opts(),
                          n >= 100000, 30)
                for n in ((10000, 100000) if quick
                          else (10000, 100000, 250000))],
            "default": lambda: [
                self.each(self.burst_trial, n, "default_buffers",
                          self.opts(netlink_buffer=0), False, 40)
                for n in ((10000,) if quick else (10000, 250000))],
            "churn": self.churn,
            "shapes": self.shapes,
            "lossy": lambda: [
                self.each(self.lossy_trial, 20000 if quick else 100000, w,
                          10 if quick else 30)
                for w in (True, False)],
            "scale": self.scale,
            "auth": self.auth,
            "standby": self.standby,
        }

    def auth(self):
        """ctsyncd against itself, Authentication off and on, interleaved:
        the cost of sealing and opening every datagram."""
        quick = self.args.quick
        for _ in range(self.args.reps):
            for col in Results.AUTH:
                opts = self.opts(auth=col == "auth_on")
                for n in ((10000,) if quick else (10000, 100000)):
                    self.burst_trial("ctsyncd", n, "auth.replication", opts,
                                     False, 30, column=col)
                self.churn_trial("ctsyncd", 50000, 3 if quick else 10,
                                 opts=opts, prefix="auth.", column=col)

    def churn(self):
        """Steady creates and destroys, in a table as large as the other
        sections make it: at the default size (262144 here), run alone,
        ctload's creates were refused (ENOMEM, a full table) in a
        trial of conntrackd at 200k events/s, and the run stopped."""
        quick = self.args.quick
        self.sysctl("net.netfilter.nf_conntrack_max", 4000000)
        for r in ((5000, 50000) if quick
                  else (5000, 20000, 50000, 100000, 200000)):
            self.each(self.churn_trial, r, 3 if quick else 10)

    def shapes(self):
        """The replication trial with the inserts paced: the kernel's
        events then come in many small batches, each a wake-up, where an
        unpaced burst gives few large ones."""
        quick = self.args.quick
        sizes = (10000, 100000) if quick else (10000, 100000, 250000,
                                                1000000)
        self.sysctl("net.netfilter.nf_conntrack_max", 4 * max(sizes))
        for n in sizes:
            big = self.opts(hashsize=262144, hashlimit=4 * n) \
                if n >= 1000000 else self.opts()
            for rate in (250000, 50000):
                self.each(self.burst_trial, n, "shapes", big, False, 30,
                          rate=rate)
        # small system calls at the rate of the independent benchmark
        self.each(self.burst_trial, 100000, "shapes", self.opts(), False,
                  30, rate=250000, batch=16)

    def standby(self):
        quick = self.args.quick
        sizes = (10000, 100000) if quick else (10000, 100000, 250000)
        self.sysctl("net.netfilter.nf_conntrack_max", 4 * max(sizes))
        for n in sizes:
            self.each(self.standby_trial, n, 5 if quick else 10)

    def scale(self):
        """The replication trial and its resync, bulk and commit with
        --scale-states (1M unless given): the kernel's table and its hash
        made room for them."""
        n = self.args.scale_states
        self.sysctl("net.netfilter.nf_conntrack_max", 4 * n)
        if n > 1000000:
            self.sysctl("net.netfilter.nf_conntrack_buckets", n)
        self.each(self.burst_trial, n, "replication",
                  self.opts(hashsize=262144, hashlimit=4 * n), True,
                  60 * max(1, n // 1000000))

    def main(self):
        self.print_settings()
        default = ("limits,replication,shapes,default,churn,standby,auth"
                   if self.args.quick
                   else "limits,replication,shapes,default,churn,standby,"
                   "lossy,scale,auth")
        wanted = (self.args.only or default).split(",")
        plan = self.sections()
        for s in wanted:
            if s not in plan:
                raise SystemExit("unknown section %s (have: %s)" %
                                 (s, ", ".join(plan)))
        t0 = time.monotonic()
        for s in wanted:
            log("bench: %s ..." % s)
            plan[s]()
        log("bench: %.0f s" % (time.monotonic() - t0))
        self.res.print_table()
        commit = run("git", "-C", os.path.dirname(os.path.abspath(__file__)),
                     "rev-parse", "--short", "HEAD", check=False).stdout
        self.res.print_machine(commit.strip() or "unknown")


def kfmt(n):
    if n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=".", help="the build tree")
    p.add_argument("--quick", action="store_true",
                   help="a one-minute run: one repetition, small sizes")
    p.add_argument("--reps", type=int, default=None,
                   help="repetitions per figure (default 3, quick 1)")
    p.add_argument("--only", help="comma-separated sections: limits, "
                   "replication, shapes, default, churn, standby, lossy, scale, "
                   "auth")
    p.add_argument("--scale-states", type=int, default=1000000,
                   help="states of the scale section (default 1000000)")
    p.add_argument("--no-pin", dest="pin", action="store_false",
                   help="let the scheduler place the nodes (default: A on "
                   "CPU 0, B on CPU 1)")
    a = p.parse_args()
    if a.reps is None:
        a.reps = 1 if a.quick else 3
    return a


def main():
    if os.geteuid() != 0:
        raise SystemExit("bench: needs root (network namespaces)")
    for tool in ("ip", "nft", "conntrack", "conntrackd"):
        if shutil.which(tool) is None and not os.path.exists(
                "/usr/sbin/" + tool):
            raise SystemExit("bench: %s is not installed (tools/deps.sh)"
                             % tool)
    bench = Bench(parse_args())
    try:
        bench.main()
    finally:
        bench.restore()


if __name__ == "__main__":
    main()
