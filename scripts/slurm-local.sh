#!/usr/bin/env bash
# A one-node Slurm cluster on this host, for tests: `start`, `stop`, `status`.
#
# start: installs slurm-wlm and munge from apt where missing (root with apt-get only), writes a minimal
#   config (one node = this host with its CPUs and memory as `slurmd -C` reports them, select/cons_tres
#   with CR_CPU, no accounting, no cgroups), creates a munge key, starts munged, slurmctld and slurmd
#   directly (no systemd) and waits until `sinfo` shows the node idle. Everything lives under
#   $LAMINA_SLURM_DIR (default /tmp/lamina-slurm): config, munge key and socket, state, logs, pid files.
#   A munged of its own on its own socket, so a munge or Slurm already on the host is neither used nor
#   touched. Run again while up, it only checks that the node is idle.
# stop: cancels this cluster's jobs, then ends the daemons named by its pid files; no daemon is left.
# status: the daemons' pids and sinfo; exit 0 when all three run.
#
# Clients find the cluster through SLURM_CONF: `start` and `status` print `export SLURM_CONF=...`.
# Environment: LAMINA_SLURM_DIR, LAMINA_SLURM_PORT (slurmctld port, default 6817; slurmd uses the next),
# LAMINA_SLURM_TIMEOUT (seconds to wait for the idle node, default 60).
set -euo pipefail

DIR=${LAMINA_SLURM_DIR:-/tmp/lamina-slurm}
PORT=${LAMINA_SLURM_PORT:-6817}
TIMEOUT=${LAMINA_SLURM_TIMEOUT:-60}
CONF=$DIR/slurm.conf
NODE=$(hostname -s 2>/dev/null || echo localhost)
export SLURM_CONF=$CONF

say() { echo "slurm-local: $*" >&2; }
die() { say "$*"; exit 1; }

# The pid in DIR/NAME.pid when that process is alive, else nothing.
alive() {
  local f=$DIR/$1.pid pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

install_missing() {
  local missing=()
  command -v munged >/dev/null || missing+=(munge)
  { command -v slurmctld && command -v slurmd && command -v sbatch; } >/dev/null || missing+=(slurm-wlm)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}; install them as root with: apt-get install --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  # No daemon may start from the packages' scripts: this cluster starts its own (policy-rc.d 101 = refuse).
  local policy=/usr/sbin/policy-rc.d made=
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy && made=1; fi
  local ok=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || ok=$?
  [ -n "$made" ] && rm -f $policy
  [ $ok = 0 ] || die "apt-get install ${missing[*]} failed"
}

# Node line: what slurmd detects on this host (CPUs, sockets, cores, threads, memory), else nproc and /proc/meminfo.
node_line() {
  local hw
  hw=$(slurmd -C 2>/dev/null | head -n1 | sed -n 's/^NodeName=[^ ]* //p')
  [ -n "$hw" ] || hw="CPUs=$(nproc) RealMemory=$(awk '/^MemTotal/ {print int($2/1024)}' /proc/meminfo)"
  echo "NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE $hw State=UNKNOWN"
}

write_config() {
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge" "$DIR/log"
  chmod 700 "$DIR/munge"
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node test cluster on this host.
ClusterName=lamina
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MaxArraySize=10001
$(node_line)
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munged() {
  [ -n "$(alive munged)" ] && return 0
  local key=$DIR/munge/munge.key
  if [ ! -s "$key" ]; then
    mungekey --create --keyfile="$key" 2>/dev/null || dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    chmod 400 "$key"
  fi
  # munged refuses root unless forced; the test cluster's daemons all run as root.
  munged --force --key-file="$key" --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munged.pid" \
    --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed" \
    || die "munged did not start: $(tail -n 5 "$DIR/log/munged.log" 2>/dev/null)"
}

wait_pid() { # NAME: wait up to 10 s for DIR/NAME.pid to name a live process
  for _ in $(seq 50); do [ -n "$(alive "$1")" ] && return 0; sleep 0.2; done
  die "$1 did not start; last lines of $DIR/log/$1.log:
$(tail -n 20 "$DIR/log/$1.log" 2>/dev/null)"
}

node_state() { sinfo -h -N -n "$NODE" -o %t 2>/dev/null | head -n1; }

start() {
  install_missing
  [ -n "$(alive slurmctld)" ] && [ -s "$CONF" ] || write_config
  start_munged
  wait_pid munged
  [ -n "$(alive slurmctld)" ] || { slurmctld -c -f "$CONF" || die "slurmctld failed: $(tail -n 20 "$DIR/log/slurmctld.log" 2>/dev/null)"; wait_pid slurmctld; }
  [ -n "$(alive slurmd)" ] || { slurmd -f "$CONF" -N "$NODE" || die "slurmd failed: $(tail -n 20 "$DIR/log/slurmd.log" 2>/dev/null)"; wait_pid slurmd; }
  local t0=$SECONDS state=
  while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
    state=$(node_state)
    case $state in
      idle|mix|alloc) say "node $NODE $state after $((SECONDS - t0)) s ($(sinfo -V))"; echo "export SLURM_CONF=$CONF"; return 0 ;;
      drain*|down*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  die "node $NODE not idle after $TIMEOUT s (state '${state:-none}'); sinfo: $(sinfo -N -l 2>&1 | tail -n 2)
slurmctld.log: $(tail -n 10 "$DIR/log/slurmctld.log" 2>/dev/null)
slurmd.log: $(tail -n 10 "$DIR/log/slurmd.log" 2>/dev/null)"
}

stop_pids() { # NAME...: TERM the daemons of DIR/NAME.pid together, KILL any left after 10 s, remove the pid files
  local d pid pids=()
  for d in "$@"; do pid=$(alive "$d") && { kill "$pid" 2>/dev/null || true; pids+=("$d:$pid"); }; done
  for _ in $(seq 50); do
    local left=0
    for d in "${pids[@]}"; do kill -0 "${d#*:}" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.2
  done
  for d in "${pids[@]}"; do
    kill -0 "${d#*:}" 2>/dev/null && { say "${d%%:*} (${d#*:}) ignored SIGTERM: killing it"; kill -9 "${d#*:}" 2>/dev/null || true; }
  done
  for d in "$@"; do rm -f "$DIR/$d.pid"; done
}

stop() {
  if [ -n "$(alive slurmctld)" ]; then
    # Jobs first, while slurmd still runs to end their steps (slurmstepd outlives slurmd otherwise).
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 50); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.2; done
    fi
  fi
  stop_pids slurmd slurmctld munged
  say "stopped"
}

status() {
  local rc=0 d pid
  for d in munged slurmctld slurmd; do
    if pid=$(alive $d); then echo "$d: running (pid $pid)"; else echo "$d: not running"; rc=1; fi
  done
  [ $rc = 0 ] && { sinfo -N -l; echo "export SLURM_CONF=$CONF"; }
  return $rc
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
