"""scripts/slurm_shards.sh end to end, with a stand-in `sbatch` that runs each array task and
then the merge job on this machine: the merged result must be the single run's JSON."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]

FAKE_SBATCH = r"""#!/usr/bin/env bash
# runs --wrap once per --array index (SLURM_ARRAY_TASK_ID set), or once; prints a job id
array="" wrap=""
for a in "$@"; do
  case "$a" in --array=*) array=${a#--array=};; --wrap=*) wrap=${a#--wrap=};; esac
done
echo "$@" >> "$(dirname "$0")/calls"
if [ -n "$array" ]; then
  for i in $(seq "${array%-*}" "${array#*-}"); do SLURM_ARRAY_TASK_ID=$i bash -c "$wrap" >/dev/null 2>&1 || exit 1; done
  echo 101
else
  bash -c "$wrap" || exit 1
  echo 102
fi
"""


def test_slurm_array_runs_every_shard_and_merges(cli, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    sbatch = bin_dir / "sbatch"
    sbatch.write_text(FAKE_SBATCH)
    sbatch.chmod(0o755)
    out = tmp_path / "out"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", DETENTE=cli)
    subprocess.run(
        ["bash", str(ROOT / "scripts/slurm_shards.sh"), "baseline", "30000", "5", "3", str(out), "--horizon-years", "8"],
        check=True, env=env, capture_output=True, text=True,
    )
    assert sorted(p.name for p in out.glob("part-*.json")) == ["part-0.json", "part-1.json", "part-2.json"]
    single = subprocess.run(
        [cli, "run", "baseline", "--runs", "30000", "--seed", "5", "--horizon-years", "8", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    assert (out / "result.json").read_text() == single
    calls = (bin_dir / "calls").read_text().splitlines()
    assert "--array=0-2" in calls[0] and "--dependency=afterok:101" in calls[1]
