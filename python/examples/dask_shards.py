"""Fan an ensemble's shards out on a Dask cluster through the Python package, merge the parts,
and check the result is byte for byte the single-process run (and, with --cli, the CLI's).

    python python/examples/dask_shards.py --workers 2 --shards 8 --runs 200000
    python python/examples/dask_shards.py --scheduler tcp://host:8786 ...   # an existing cluster

Without --scheduler it starts a LocalCluster of --workers processes (CI: two workers). Each
task runs one shard (`detente.run_shard`), so the work can go to any machine with the package
installed; `detente.merge` folds the chunks in the order one process would.
"""

import argparse
import subprocess
import time

from dask.distributed import Client, LocalCluster

import detente


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", nargs="+", default=["baseline"], help="one architecture (run) or several (compare)")
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--cli", help="path of the detente binary: also check against its --json output")
    args = ap.parse_args()
    compare = len(args.arch) > 1

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    with client:
        print(f"cluster: {len(client.scheduler_info()['workers'])} workers")
        start = time.perf_counter()
        if compare:
            futures = client.map(
                detente.compare_shard, [args.arch] * args.shards, range(args.shards), [args.shards] * args.shards,
                runs=args.runs, seed=args.seed,
            )
        else:
            futures = client.map(
                detente.run_shard, [args.arch[0]] * args.shards, range(args.shards), [args.shards] * args.shards,
                runs=args.runs, seed=args.seed,
            )
        parts = client.gather(futures)
        merged = detente.merge(parts, as_text=True)
        sharded_s = time.perf_counter() - start
        who = {w: len(ts) for w, ts in client.has_what().items()}
    print(f"{args.shards} shards of {args.runs} runs on {len(who)} workers in {sharded_s:.2f} s")

    start = time.perf_counter()
    if compare:
        single = detente.compare(args.arch, runs=args.runs, seed=args.seed, as_text=True)
    else:
        single = detente.run(args.arch[0], runs=args.runs, seed=args.seed, as_text=True)
    single_s = time.perf_counter() - start
    print(f"single process: {single_s:.2f} s")
    assert merged == single, "merged shards differ from the single-process run"
    print(f"merged == single-process result, byte for byte ({len(merged)} bytes)")
    if args.cli:
        command = "compare" if compare else "run"
        out = subprocess.run(
            [args.cli, command, *args.arch, "--runs", str(args.runs), "--seed", str(args.seed), "--json"],
            check=True, capture_output=True, text=True,
        ).stdout
        assert merged + "\n" == out, f"merged shards differ from `detente {command} --json`"
        print(f"merged == `detente {command} --json`, byte for byte")
    result = detente.merge(parts)
    if compare:
        for a in result["architectures"]:
            print(f"  {a['name']:<16} p(war) {a['p_war']:.4f}  diff vs first {a['diff_vs_first']:+.4f}")
    else:
        print(f"  {result['architecture']}: p(war) {result['p_war']:.4f} {result['p_war_ci']}")


if __name__ == "__main__":
    main()
