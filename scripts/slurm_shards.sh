#!/usr/bin/env bash
# Run one detente ensemble as a Slurm job array, one shard per array task, then merge.
#
#   scripts/slurm_shards.sh ARCH RUNS SEED SHARDS OUTDIR [extra `detente run` flags...]
#   e.g. scripts/slurm_shards.sh baseline 100000000 1 64 /scratch/$USER/baseline --i-know-it-is-long
#
# Submits (sbatch) an array job of SHARDS tasks: task i runs
#   detente run ARCH --runs RUNS --seed SEED --shard i/SHARDS --out-summary OUTDIR/part-i.json
# and a merge job that starts only when every task succeeded (--dependency=afterok) and writes
#   OUTDIR/result.json   (detente merge --json: byte for byte the single-machine `run --json`)
#   OUTDIR/result.txt    (the table)
# `detente` must be on PATH on the compute nodes (or set DETENTE=/path/to/detente). Slurm
# options (partition, account, time) come from the usual SBATCH_* environment variables, e.g.
# SBATCH_PARTITION=short SBATCH_TIMELIMIT=01:00:00. DRY_RUN=1 prints the sbatch commands only.
# For `compare`, set COMMAND=compare and give the architectures comma-separated as ARCH.
set -euo pipefail

if [ $# -lt 5 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
arch=$1 runs=$2 seed=$3 shards=$4 outdir=$5
shift 5
detente=${DETENTE:-detente}
command=${COMMAND:-run}
case "$shards" in ''|*[!0-9]*) echo "SHARDS must be a whole number, got $shards" >&2; exit 2;; esac
[ "$shards" -ge 1 ] || { echo "SHARDS must be at least 1" >&2; exit 2; }
mkdir -p "$outdir/logs"
archs=${arch//,/ }
extra=$(printf ' %q' "$@")

task="$detente $command $archs --runs $runs --seed $seed$extra \
--shard \$SLURM_ARRAY_TASK_ID/$shards --out-summary $outdir/part-\$SLURM_ARRAY_TASK_ID.json"
merge="$detente merge $outdir/part-*.json --json > $outdir/result.json && \
$detente merge $outdir/part-*.json > $outdir/result.txt"

submit() {
  if [ "${DRY_RUN:-0}" = 1 ]; then
    echo "sbatch $*" >&2
    echo 0
  else
    sbatch --parsable "$@"
  fi
}

array=$(submit --job-name="detente-$command" --array="0-$((shards - 1))" \
  --cpus-per-task="${CPUS_PER_TASK:-2}" --output="$outdir/logs/shard-%a.out" \
  --wrap="$task")
merged=$(submit --job-name="detente-merge" --dependency="afterok:${array%%;*}" \
  --output="$outdir/logs/merge.out" --wrap="$merge")
echo "array job $array ($shards shards), merge job $merged: results in $outdir/result.json"
