#!/usr/bin/env bash
# Submits a sharded gpusparse run to Slurm: a job array of N shards, then a merge job that runs once every
# array task succeeded.
#
#   scripts/slurm/submit.sh [--command solve|path|cv] N RUN [--only I,J,...] -- ARGS...
#
#   --command  what each task runs (default solve): solve shards the problems, path and cv shard the targets
#              (every L1 ratio of a target, and for cv every fold and the refit, in one shard)
#   N          number of shards (array tasks 0 … N−1); each takes units [⌊I·K/N⌋, ⌊(I+1)·K/N⌋)
#   RUN        a folder every node can reach: shards go to RUN/shards/I, the merged result to RUN/result
#   --only     resubmit only these tasks (after a task failed or was killed) and a new merge after them
#   ARGS       what `gpusparse COMMAND` takes, without --shard and --out (give absolute paths)
#
# GPUSPARSE names the gpusparse executable (default: gpusparse on PATH); extra sbatch options (partition,
# account, time limit) go in SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, … as sbatch reads them.
# Prints "array JOBID" and "merge JOBID".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 [--command solve|path|cv] N RUN [--only I,J,...] -- ARGS..." >&2; exit 2; }
command=solve
if [ "${1:-}" = "--command" ]; then
  [[ ${2:-} =~ ^(solve|path|cv)$ ]] || { echo "error: --command takes solve, path or cv, got '${2:-}'" >&2; exit 2; }
  command=$2
  shift 2
fi
[ $# -ge 3 ] || usage
shards=$1 run=$2
shift 2
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "error: N must be a whole number ≥ 1, got '$shards'" >&2; exit 2; }
tasks="0-$((shards - 1))"
if [ "${1:-}" = "--only" ]; then
  [[ ${2:-} =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "error: --only takes task numbers, as --only 1,3" >&2; exit 2; }
  tasks=$2
  shift 2
fi
[ "${1:-}" = "--" ] || usage
shift
mkdir -p "$run/shards" "$run/logs"
run=$(cd "$run" && pwd)
export GPUSPARSE=${GPUSPARSE:-gpusparse}
array=$(sbatch --parsable --export=ALL --array="$tasks" --job-name="gpusparse-$command" --chdir="$run/logs" \
  "$here/shard-array.sbatch" "$command" "$shards" "$run" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$run/logs" \
  "$here/merge.sbatch" "$shards" "$run")
echo "array ${array}"
echo "merge ${merge%%;*}"
