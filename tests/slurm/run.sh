#!/usr/bin/env bash
# End-to-end test of the Slurm job array (scripts/slurm): starts a real single-node Slurm cluster on this
# machine (munged, slurmctld, slurmd; localhost, 2 CPUs), submits a sharded solve and its merge, checks the
# merged result is the unsharded solve bit for bit, then kills one array task while it runs and shows that
# resubmitting that task alone completes the merge, and runs a sharded path (submit.sh --command path) whose merge is
# the unsharded path bit for bit. The cluster is always shut down (trap). Needs root and
# Debian's slurm-wlm and munge (installed when missing). Ends with "slurm: N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
check() { # check NAME COMMAND...: runs the command, counts and prints the outcome
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "PASS $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
finish() { echo "slurm: $passed passed, $failed failed"; [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; exit $?; }

if [ "$(id -u)" -ne 0 ]; then echo "tests/slurm/run.sh runs slurmctld and slurmd and must run as root" >&2; failed=1; finish; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  # Another process may hold the apt lock for a while: wait and retry.
  for attempt in $(seq 1 20); do
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null && break
    echo "apt-get failed (lock held?); retrying in 15 s ($attempt/20)" >&2; sleep 15
  done
  command -v slurmctld >/dev/null || { echo "could not install slurm-wlm and munge" >&2; failed=1; finish; }
fi

work=$(mktemp -d /tmp/gpusparse-slurm-XXXXXX)
chmod 755 "$work"
export SLURM_CONF=$work/etc/slurm.conf
shutdown() {
  scancel --quiet --user=root 2>/dev/null || true
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/run/$daemon.pid" ] && kill "$(cat "$work/run/$daemon.pid")" 2>/dev/null
  done
  sleep 1
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/run/$daemon.pid" ] && kill -9 "$(cat "$work/run/$daemon.pid")" 2>/dev/null
  done
  rm -rf "$work"
}
trap shutdown EXIT
trap 'exit 1' INT TERM
mkdir -p "$work"/{etc,run,state,spool,log,munge}

# munge: a fresh key, a private socket, nothing shared with a system munged.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"; chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/munge.seed" \
  || { echo "munged did not start" >&2; cat "$work/log/munged.log" >&2; failed=1; finish; }

host=$(hostname -s)
cat > "$SLURM_CONF" <<CONF
ClusterName=gpusparse-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i -f "$SLURM_CONF" || { echo "slurmctld did not start" >&2; cat "$work/log/slurmctld.log" >&2; failed=1; finish; }
slurmd -f "$SLURM_CONF" || { echo "slurmd did not start" >&2; cat "$work/log/slurmd.log" >&2; failed=1; finish; }
for _ in $(seq 1 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 1
done
if ! sinfo -h -o %T | grep -qE '^idle'; then
  echo "the node did not come up:" >&2; sinfo >&2; tail -20 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2; failed=1; finish
fi
echo "slurm cluster up after ${SECONDS} s: $(sinfo -h -o '%P %D node(s) %c CPUs %T')"

# The CLI, built once; every array task runs the same published files.
dotnet publish "$repo/src/GpuSparse.Cli" -c Release -o "$work/cli" --nologo -v quiet >"$work/log/publish.log" 2>&1 \
  || { tail -30 "$work/log/publish.log" >&2; failed=1; finish; }
export GPUSPARSE=$work/cli/GpuSparse.Cli
echo "CLI published after ${SECONDS} s"

# job_state JOBID: COMPLETED, FAILED, CANCELLED, RUNNING, PENDING, … (an array: one line per task)
job_state() { scontrol -o show job "$1" 2>/dev/null | sed -nE 's/.*JobState=([A-Z_]+).*/\1/p'; }
# wait_for JOBID SECONDS: until no task of the job is pending or running
wait_for() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    job_state "$1" | grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING' || return 0
    sleep 1
  done
  echo "job $1 still running after $2 s" >&2; scontrol -o show job "$1" >&2; return 1
}
same_as_unsharded() { # same_as_unsharded RESULT: the files of the unsharded solve, bit for bit
  local file
  for file in coef.npy intercept.npy coef.csv; do cmp -s "$work/full/$file" "$1/$file" || { echo "$1/$file differs" >&2; return 1; }; done
  diff <(grep -v '"elapsed_seconds"' "$work/full/result.json") <(grep -v '"elapsed_seconds"' "$1/result.json") >&2
}

# Problems: 4 shards of a batch large enough that a task runs a few seconds, so it can be killed while it runs.
python3 "$repo/tests/slurm/make_inputs.py" "$work/data" 4000 50 40
solve_args=(--x "$work/data/X.npy" --y "$work/data/y.npy" --alpha "$work/data/alpha.npy" --l1-ratio 0.9 --tol 1e-10 --backend cpu)
"$GPUSPARSE" solve "${solve_args[@]}" --out "$work/full" >/dev/null 2>&1 || { echo "the unsharded solve failed" >&2; failed=1; finish; }

# 1. The array and the dependent merge.
ids=$("$repo/scripts/slurm/submit.sh" 4 "$work/run1" -- "${solve_args[@]}") || { failed=1; finish; }
array=$(awk '/^array/ {print $2}' <<<"$ids") merge=$(awk '/^merge/ {print $2}' <<<"$ids")
echo "submitted array $array and merge $merge"
wait_for "$array" 180 && wait_for "$merge" 60
check "array tasks all completed" test "$(job_state "$array" | sort -u)" = COMPLETED
check "merge job completed" test "$(job_state "$merge")" = COMPLETED
check "merged result is the unsharded solve bit for bit" same_as_unsharded "$work/run1/result"

echo "[${SECONDS} s] solve array merged"

# 2. Kill task 1 while it runs: no shard folder is left, the merge is never run; resubmitting task 1 alone completes it.
ids=$("$repo/scripts/slurm/submit.sh" 4 "$work/run2" -- "${solve_args[@]}") || { failed=1; finish; }
array=$(awk '/^array/ {print $2}' <<<"$ids") merge=$(awk '/^merge/ {print $2}' <<<"$ids")
for _ in $(seq 1 600); do
  [ "$(job_state "${array}_1")" = RUNNING ] && break
  sleep 0.1
done
# Let it start solving (the runtime loaded, the inputs read), then kill it.
sleep 1
scancel "${array}_1"
echo "cancelled task ${array}_1 in state $(job_state "${array}_1")"
wait_for "$array" 180
check "killed task is CANCELLED, the others COMPLETED" test "$(job_state "${array}_1") $(job_state "${array}_0") $(job_state "${array}_2") $(job_state "${array}_3")" = "CANCELLED COMPLETED COMPLETED COMPLETED"
check "killed task left no shard folder" test ! -e "$work/run2/shards/1"
sleep 2
check "merge was not run after a failed task" test "$(job_state "$merge")" != COMPLETED
scancel "$merge" 2>/dev/null
ids=$("$repo/scripts/slurm/submit.sh" 4 "$work/run2" --only 1 -- "${solve_args[@]}") || { failed=1; finish; }
array=$(awk '/^array/ {print $2}' <<<"$ids") merge=$(awk '/^merge/ {print $2}' <<<"$ids")
echo "resubmitted task 1 as $array, merge $merge"
wait_for "$array" 120 && wait_for "$merge" 60
check "resubmitted task and merge completed" test "$(job_state "$array") $(job_state "$merge")" = "COMPLETED COMPLETED"
check "merged result after the rerun is the unsharded solve bit for bit" same_as_unsharded "$work/run2/result"
echo "[${SECONDS} s] killed task rerun and merged"

# 3. A sweep: path over the 400 rows of a y as targets of one design, 3 shards of the targets.
python3 "$repo/tests/slurm/make_inputs.py" "$work/sweep" 400 50 40
path_args=(--x "$work/sweep/X0.npy" --y "$work/sweep/y.npy" --l1-ratio 1,0.5 --n-lambda 10)
"$GPUSPARSE" path "${path_args[@]}" --out "$work/full-path" >/dev/null 2>&1 || { echo "the unsharded path failed" >&2; failed=1; finish; }
ids=$("$repo/scripts/slurm/submit.sh" --command path 3 "$work/run3" -- "${path_args[@]}") || { failed=1; finish; }
array=$(awk '/^array/ {print $2}' <<<"$ids") merge=$(awk '/^merge/ {print $2}' <<<"$ids")
echo "submitted path array $array and merge $merge"
wait_for "$array" 120 && wait_for "$merge" 60
check "path array and merge completed" test "$(job_state "$array" | sort -u) $(job_state "$merge")" = "COMPLETED COMPLETED"
same_as_unsharded_path() {
  local file
  for file in alphas.npy coefs.npy intercepts.npy gaps.npy iterations.npy; do
    cmp -s "$work/full-path/$file" "$1/$file" || { echo "$1/$file differs" >&2; return 1; }
  done
  diff <(grep -v '"elapsed_seconds"' "$work/full-path/result.json") <(grep -v '"elapsed_seconds"' "$1/result.json") >&2
}
check "merged path is the unsharded path bit for bit" same_as_unsharded_path "$work/run3/result"
echo "[${SECONDS} s] path array merged"
if [ "$failed" -gt 0 ]; then
  for log in "$work"/run*/logs/*.out; do echo "== $log"; tail -5 "$log"; done >&2
  tail -20 "$work/log/slurmctld.log" >&2
fi
finish
