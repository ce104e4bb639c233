#!/usr/bin/env python3
"""Load test of `detente serve` on loopback: bounded in requests and in time.

Starts the server binary on 127.0.0.1 at a free port with a fresh store in a temporary
directory (or uses --url http://127.0.0.1:PORT of one already running; any other host is
refused), then sends a fixed mix of requests from N concurrent clients until --requests are
done or --seconds have passed, and prints, per kind of request, the count, the status codes,
p50 / p99 / max latency, and the server's peak resident memory (VmHWM, when it started it).

    python3 scripts/loadtest.py --bin target/release/detente --concurrency 8 --requests 2000 --seconds 60

Kinds of request: GET /api/params, POST /api/validate (the baseline, ~10 KB), POST
/api/validate with a 1 MB body of 5,000 actors and a group of unknown members (the
amplification case of issue 14), POST /api/patch, POST /api/runs (2,000 runs), and hostile
bodies (unknown fields, a 4,000-segment `set` key) that must answer 4xx.
Standard library only.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def baseline(bin_path):
    return subprocess.run([bin_path, "show", "baseline"], check=True, capture_output=True, text=True).stdout


def big_body(base):
    parts = [base]
    i = 0
    while sum(len(p) for p in parts) < 900_000:
        parts.append(
            f'\n[[actors]]\nid = "a{i}"\nname = "A"\nrole = "european_ally"\nvulnerability = 0.5\n'
            f"proximity_km = 100\nspending_usd_bn = 1\nspending_pct_gdp = 1\nforces_k = 1\nescalation_tolerance = 0.5\n"
        )
        i += 1
    members = ",".join(f'"x{k}"' for k in range(min(i, 5000)))
    parts.append(f'\n[[groups]]\nid = "g"\nname = "G"\nmembers = [{members}]\n')
    return json.dumps({"toml": "".join(parts)})


def mix(base):
    small = json.dumps({"toml": base})
    return [
        ("params", "GET", "/api/params", None, (200,)),
        ("validate", "POST", "/api/validate", small, (200,)),
        ("validate-1MB", "POST", "/api/validate", big_body(base), (422, 413)),
        ("patch", "POST", "/api/patch", json.dumps({"toml": base, "set": {"dynamics.cohesion_start": 0.6}}), (200,)),
        ("run-2000", "POST", "/api/runs", json.dumps({"architecture": "baseline", "runs": 2000}), (202,)),
        ("hostile-field", "POST", "/api/runs", json.dumps({"architecture": "baseline", "run": 5}), (422,)),
        ("hostile-deep", "POST", "/api/patch", json.dumps({"toml": base, "set": {".".join(["a"] * 4000): 1}}), (400,)),
    ]


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/detente")
    ap.add_argument("--url", help="an already running server on 127.0.0.1 (default: start one)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000, help="at most this many requests (1 to 100000)")
    ap.add_argument("--seconds", type=float, default=60.0, help="stop after this long (1 to 600)")
    args = ap.parse_args()
    if not (1 <= args.requests <= 100_000 and 1 <= args.seconds <= 600 and 1 <= args.concurrency <= 64):
        sys.exit("--requests 1..100000, --seconds 1..600, --concurrency 1..64")

    server = None
    tmp = tempfile.TemporaryDirectory()
    if args.url:
        u = urllib.parse.urlparse(args.url)
        if u.hostname != "127.0.0.1":
            sys.exit("loopback only: --url must be http://127.0.0.1:PORT")
        port = u.port
    else:
        port = free_port()
        server = subprocess.Popen(
            [args.bin, "serve", "--addr", f"127.0.0.1:{port}", "--db", os.path.join(tmp.name, "load.sqlite")],
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    requests = mix(baseline(args.bin))
    lat = {name: [] for name, *_ in requests}
    codes = {name: {} for name, *_ in requests}
    unexpected = []
    lock = threading.Lock()
    counter = [0]
    deadline = time.monotonic() + args.seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if counter[0] >= args.requests or time.monotonic() > deadline:
                    return
                k = counter[0]
                counter[0] += 1
            name, method, path, body, ok = requests[k % len(requests)]
            headers = {"content-type": "application/json"} if body else {}
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as e:
                status = f"error: {e}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            dt = time.perf_counter() - t0
            with lock:
                lat[name].append(dt)
                codes[name][status] = codes[name].get(status, 0) + 1
                if status not in ok:
                    unexpected.append((name, status))

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0

    def q(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")

    total = sum(len(v) for v in lat.values())
    print(f"{total} requests in {wall:.1f} s from {args.concurrency} clients ({total / wall:.0f} req/s)")
    print(f"{'request':<15} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}  status codes")
    for name, xs in lat.items():
        print(f"{name:<15} {len(xs):>6} {1000 * q(xs, 0.5):>9.1f} {1000 * q(xs, 0.99):>9.1f} {1000 * max(xs or [0]):>9.1f}  {codes[name]}")
    if server:
        hwm = vm_hwm_kb(server.pid)
        if hwm:
            print(f"server peak resident memory (VmHWM): {hwm / 1024:.0f} MB")
        alive = server.poll() is None
        print("server still answering:", alive)
        server.terminate()
        server.wait(timeout=10)
    print(f"unexpected statuses: {len(unexpected)}")
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
