#!/usr/bin/env python3
"""Group behaviour of bench/run (issue 17): what learning and enforcement cost a workload, measured side by side.

Two network namespaces on a bridge of their own (10.77.0.0/24, nothing else addressed), then, in alternating rounds:
  - iperf3 throughput from a to b with no rules, with the generated protect ruleset installed by portcullis enforce,
    and while portcullis learn watches both namespaces (goal: <= 5 % loss with rules, <= 10 % while learning);
  - the time from a violating connection, and from a violating exec, to its JSON line on enforce's standard output
    (goal: p99 <= 1 s), the violation's own time being the kernel's (NFLOG packet time, audit record time);
  - the CPU that learning uses (the portcullis JVM, its tcpdump readers and the audit daemon it started) while a
    client opens 1,000 new connections a second to a server in b, for 10 s.
Usage: bench/behaviour.py PORTCULLIS_COMMAND... (run as root). Prints a Markdown table; raw samples go to stderr.
"""
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

NS_A, NS_B, BRIDGE = "pcbench-a", "pcbench-b", "pcbench0"
ADDR_A, ADDR_B = "10.77.0.2", "10.77.0.3"
ROUNDS = int(os.environ.get("BEHAVIOUR_ROUNDS", "3"))


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, text=True, capture_output=True, **kw)


def in_ns(ns, *args):
    return ["ip", "netns", "exec", ns, *args]


def log(msg):
    print("bench: behaviour: " + msg, file=sys.stderr, flush=True)


def lab_up():
    lab_down()
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "link", "set", BRIDGE, "up")
    for ns, addr in ((NS_A, ADDR_A), (NS_B, ADDR_B)):
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", ns + "-h", "type", "veth", "peer", "name", "eth0", "netns", ns)
        sh("ip", "link", "set", ns + "-h", "master", BRIDGE, "up")
        sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def lab_down():
    for ns in (NS_A, NS_B):
        sh("ip", "netns", "pids", ns, check=False)
        for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        sh("ip", "netns", "del", ns, check=False)
    sh("ip", "link", "del", BRIDGE, check=False)


def iperf(seconds=8):
    out = sh(*in_ns(NS_A, "iperf3", "-c", ADDR_B, "-t", str(seconds), "-J")).stdout
    return json.loads(out)["end"]["sum_received"]["bits_per_second"]


def start(cmd, **kw):
    return subprocess.Popen(cmd, text=True, **kw)


def stop(p, sig=signal.SIGTERM, wait=30):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        p.wait(wait)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def wait_for(path_or_pred, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if path_or_pred():
            return
        time.sleep(0.1)
    raise SystemExit("bench/behaviour.py: waited " + str(timeout) + " s for " + what)


def tree_cpu(pid):
    """utime + stime, in seconds, of pid and all its descendants (alive now)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/" + d + "/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(d))
            except OSError:
                pass
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            pass
        todo.extend(children.get(p, []))
    return total


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def main():
    if os.geteuid() != 0:
        raise SystemExit("bench/behaviour.py: run as root (namespaces, nft, audit)")
    for tool in ("ip", "nft", "tcpdump", "iperf3", "auditctl", "auditd"):
        if shutil.which(tool) is None:
            raise SystemExit("bench/behaviour.py: " + tool + " is missing (apt-get install iproute2 nftables tcpdump iperf3 auditd)")
    portcullis = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="portcullis-bench-behaviour-")
    state = os.path.join(work, "state")
    profiles = os.path.join(work, "profiles")
    os.makedirs(profiles)
    refs = ["a=netns:" + NS_A, "b=netns:" + NS_B]
    lab_up()
    servers = []
    try:
        servers.append(start(in_ns(NS_B, "iperf3", "-s"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1)
        # the profiles: a calls b's iperf3 (control and data connections, tcp/5201)
        learner = start(portcullis + ["learn", *refs, "--duration", "6s", "-o", profiles, "--quiet-for", "1s",
                                      "--state-dir", state, "-q"])
        time.sleep(2.5)
        iperf(2)
        learner.wait(60)
        assert learner.returncode == 0, "learn failed"

        samples = {"none": [], "rules": [], "learning": []}
        for r in range(ROUNDS):
            samples["none"].append(iperf())
            enforce = start(portcullis + ["enforce", profiles, "--workload", refs[0], "--workload", refs[1], "--mode",
                                          "protect", "--state-dir", state, "-q"], stdout=subprocess.DEVNULL)
            wait_for(lambda: "portcullis" in sh(*in_ns(NS_A, "nft", "list", "tables")).stdout, "enforce's rules")
            samples["rules"].append(iperf())
            stop(enforce)
            os.makedirs(os.path.join(work, "again"), exist_ok=True)
            learn = start(portcullis + ["learn", *refs, "--duration", "14s", "-o", os.path.join(work, "again"),
                                        "--state-dir", state, "-q"])
            wait_for(lambda: "portcullis" in sh(*in_ns(NS_A, "nft", "list", "tables")).stdout, "learn's rules")
            samples["learning"].append(iperf())
            learn.wait(60)
            log("round %d: none %.2f Gbit/s, protect rules %.2f, learning %.2f" % (
                r + 1, samples["none"][-1] / 1e9, samples["rules"][-1] / 1e9, samples["learning"][-1] / 1e9))

        # latency: violating connections (to a port nobody learned) and violating execs, to their line on stdout
        latency = {"flow": [], "process": []}
        enforce = start(portcullis + ["enforce", profiles, "--workload", refs[0], "--workload", refs[1], "--mode",
                                      "protect", "--state-dir", state, "-q"], stdout=subprocess.PIPE)
        wait_for(lambda: "portcullis" in sh(*in_ns(NS_A, "nft", "list", "tables")).stdout, "enforce's rules")
        arrivals = []

        def read():
            for line in enforce.stdout:
                arrivals.append((time.time(), line))
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        client = ("import socket,time\n"
                  "for i in range(200):\n"
                  "  s=socket.socket(); s.settimeout(0.01)\n"
                  "  try: s.connect(('" + ADDR_B + "', 9999))\n"
                  "  except OSError: pass\n"
                  "  s.close(); time.sleep(0.02)\n")
        sh(*in_ns(NS_A, "python3", "-c", client))
        for i in range(50):
            subprocess.run(in_ns(NS_A, "sleep", "3"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.02)
        time.sleep(2)
        stop(enforce)
        reader.join(5)
        for arrived, line in arrivals:
            v = json.loads(line)
            seen = datetime.datetime.fromisoformat(v["time"].replace("Z", "+00:00")).timestamp()
            latency[v["kind"]].append(arrived - seen)

        # CPU of learning at 1,000 new connections a second, for 10 s
        accept = ("import socket\n"
                  "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                  "s.bind(('" + ADDR_B + "', 8080)); s.listen(1024)\n"
                  "while True:\n"
                  "  c,_=s.accept(); c.close()\n")
        servers.append(start(in_ns(NS_B, "python3", "-c", accept)))
        time.sleep(0.5)
        os.makedirs(os.path.join(work, "load"), exist_ok=True)
        learn = start(portcullis + ["learn", *refs, "--duration", "16s", "-o", os.path.join(work, "load"),
                                    "--state-dir", state, "-q"])
        wait_for(lambda: "portcullis" in sh(*in_ns(NS_A, "nft", "list", "tables")).stdout, "learn's rules")
        time.sleep(1)
        cpu_before, wall_before = tree_cpu(learn.pid), time.time()
        load = ("import socket,time\n"
                "start=time.time(); n=0\n"
                "while n < 10000:\n"
                "  due = start + n/1000.0\n"
                "  d = due - time.time()\n"
                "  if d > 0: time.sleep(d)\n"
                "  s=socket.socket(); s.connect(('" + ADDR_B + "', 8080)); s.close(); n+=1\n"
                "print(time.time()-start)\n")
        took = float(sh(*in_ns(NS_A, "python3", "-c", load)).stdout)
        time.sleep(0.5)
        cpu = tree_cpu(learn.pid) - cpu_before
        wall = time.time() - wall_before
        learn.wait(60)
        with open(os.path.join(work, "load", "a.json")) as f:
            seen = [fl["count"] for fl in json.load(f)["flows"] if fl["port"] == 8080]
    finally:
        for s in servers:
            stop(s, signal.SIGKILL)
        lab_down()
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in samples.items()}
    loss_rules = 1 - med["rules"] / med["none"]
    loss_learning = 1 - med["learning"] / med["none"]
    print("| Measurement | Ours | Baseline | Ratio / figure | Goal | Met |")
    print("|---|---:|---:|---:|---|---|")
    print("| Throughput a→b with the protect ruleset (iperf3, median of %d) | %.2f Gbit/s | %.2f Gbit/s (no rules) | %.1f %% loss | ≤ 5 %% | %s |" % (
        ROUNDS, med["rules"] / 1e9, med["none"] / 1e9, 100 * loss_rules, "yes" if loss_rules <= 0.05 else "**no**"))
    print("| Throughput a→b while learning | %.2f Gbit/s | %.2f Gbit/s (no rules) | %.1f %% loss | ≤ 10 %% | %s |" % (
        med["learning"] / 1e9, med["none"] / 1e9, 100 * loss_learning, "yes" if loss_learning <= 0.10 else "**no**"))
    for kind in ("flow", "process"):
        v = latency[kind]
        if v:
            p99 = percentile(v, 0.99)
            print("| Violation (%s) to its report, %d violations | p50 %.0f ms, p99 %.0f ms | – | – | p99 ≤ 1 s | %s |" % (
                kind, len(v), 1000 * percentile(v, 0.5), 1000 * p99, "yes" if p99 <= 1 else "**no**"))
        else:
            print("| Violation (%s) to its report | no violation reported | – | – | p99 ≤ 1 s | **no** |" % kind)
    print("| CPU of learning at 1,000 new connections/s (%d connections in %.1f s, %d seen) | %.2f s CPU in %.1f s | – | %.0f %% of one core | (for scale) |  |" % (
        10000, took, sum(seen), cpu, wall, 100 * cpu / wall))
    print("raw: " + json.dumps({"throughput": samples, "latency": latency, "cpu": cpu, "wall": wall}), file=sys.stderr)


if __name__ == "__main__":
    main()
