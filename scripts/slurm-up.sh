#!/usr/bin/env bash
# slurm-up.sh: a one-node Slurm 22.05 cluster on this machine for the integration tests,
# with real accounting (slurmdbd + MariaDB) by default and Slurm's PBS/Torque wrappers
# in /opt/slurm-torque/bin (next to, not instead of, Grid Engine's /usr/bin/qsub).
# Installs what is missing, writes the config, starts the daemons that are not running
# (no systemd needed), restarts them only when the config changed, then runs a smoke
# job through sbatch and one through the PBS qsub. Safe to re-run (then ~2.5 s).
#
# Knobs (environment):
#   SLURM_ACCOUNTING=slurmdbd|none  real sacct via slurmdbd+MariaDB (default), or no DB
#   SLURM_CGROUP=auto|yes|no        cgroup v1 plugins (needed for OUT_OF_MEMORY); auto =
#                                   yes when a writable v1 memory+freezer hierarchy exists
#   SLURM_NODE     node name (default: hostname -s)
#   SLURM_CPUS     CPUs of the node (default: nproc)
#   SLURM_MEM_MB   RealMemory (default: MemTotal - 1 GiB)
#   SLURM_MIN_JOB_AGE  seconds finished jobs stay visible in squeue/scontrol (default 600)
#   SLURM_CLUSTER  ClusterName (default: local)
#   SLURM_TORQUE_DIR   where the PBS wrappers go (default: /opt/slurm-torque/bin)
#   SLURM_SKIP_SMOKE=1  skip the test jobs;  SLURM_SMOKE_TIMEOUT (default 60 s)
# Facts behind every choice: shared/queues/slurm/NOTES.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
require_root

SLURM_ACCOUNTING=${SLURM_ACCOUNTING:-slurmdbd}
SLURM_CGROUP=${SLURM_CGROUP:-auto}
SLURM_NODE=${SLURM_NODE:-$(hostname -s)}
SLURM_CPUS=${SLURM_CPUS:-$(nproc)}
# Configuring more memory than slurmd finds gets the node drained: stay 1 GiB below.
SLURM_MEM_MB=${SLURM_MEM_MB:-$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 - 1024 ))}
SLURM_MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-600}
SLURM_CLUSTER=${SLURM_CLUSTER:-local}
SLURM_TORQUE_DIR=${SLURM_TORQUE_DIR:-/opt/slurm-torque/bin}
SLURM_SKIP_SMOKE=${SLURM_SKIP_SMOKE:-0}
SLURM_SMOKE_TIMEOUT=${SLURM_SMOKE_TIMEOUT:-60}
case $SLURM_ACCOUNTING in slurmdbd|none) ;; *) die "SLURM_ACCOUNTING must be slurmdbd or none" ;; esac
case $SLURM_CGROUP in auto|yes|no) ;; *) die "SLURM_CGROUP must be auto, yes or no" ;; esac

ETC=/etc/slurm
LOGDIR=/var/log/slurm
DAEMON_OUT=$LOGDIR/daemons.out          # what daemons print before they detach
STARTED=/run/slurm-up.started           # daemons this script started (slurm-down.sh reads it)
MUNGE_PID=/run/munge/munged.pid
DBD_PID=/run/slurmdbd.pid
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
did=() started=()

fail() {
  log "ERROR: $*"
  tail_logs "$LOGDIR"/slurmctld.log "$LOGDIR"/slurmd.log "$LOGDIR"/slurmdbd.log \
            "$LOGDIR"/mariadbd.log /var/log/munge/munged.log "$DAEMON_OUT"
  exit 1
}
mark_started() {
  started+=("$1")
  grep -qsx "$1" "$STARTED" || echo "$1" >>"$STARTED"
}

# ---------------------------------------------------------------- 1. packages
# slurm-wlm-torque is NOT installed: it Conflicts with gridengine-client (both ship
# /usr/bin/qsub), and apt would remove one of them. Its Perl deps do not conflict.
PKGS=(munge slurmctld slurmd slurm-client libslurm-perl libslurmdb-perl libswitch-perl)
[[ $SLURM_ACCOUNTING == slurmdbd ]] && PKGS+=(slurmdbd mariadb-server)
apt_install "${PKGS[@]}"
(( ${#APT_INSTALLED[@]} )) && did+=("installed ${APT_INSTALLED[*]}")

# ---------------------------------------------------------------- 2. PBS wrappers
# Unpacked from the .deb into their own folder. The Perl qsub runs sbatch/salloc/srun
# from its OWN directory (FindBin), not from PATH, hence the symlinks next to it.
slurm_ver=$(dpkg-query -W -f='${Version}' slurm-client)
links=(sbatch srun salloc squeue scancel scontrol)
torque_ok() {
  local l
  [[ -x $SLURM_TORQUE_DIR/qsub && $(cat "$SLURM_TORQUE_DIR/.version" 2>/dev/null) == "$slurm_ver" ]] || return 1
  for l in "${links[@]}"; do [[ -L $SLURM_TORQUE_DIR/$l ]] || return 1; done
}
if ! torque_ok; then
  dl=$(mktemp -d)
  # Same version as the installed Slurm (the wrappers use its Perl API). As root, apt's
  # _apt sandbox cannot write to a mktemp dir: download as root, quietly.
  (cd "$dl" && { apt_get -o APT::Sandbox::User=root download "slurm-wlm-torque=$slurm_ver" ||
                 apt_get -o APT::Sandbox::User=root download slurm-wlm-torque; } >&2)
  dpkg-deb -x "$dl"/slurm-wlm-torque_*.deb "$dl/x"
  install -d "$SLURM_TORQUE_DIR"
  install -m 755 "$dl"/x/usr/bin/* "$SLURM_TORQUE_DIR/"
  # qalter calls a hard-coded /usr/slurm/bin/scontrol, which no Debian package provides.
  # shellcheck disable=SC2016  # ${FindBin::Bin} is Perl, to be written literally
  sed -i 's|"/usr/slurm/bin/scontrol"|"${FindBin::Bin}/scontrol"|' "$SLURM_TORQUE_DIR/qalter"
  for l in "${links[@]}"; do ln -sfn "/usr/bin/$l" "$SLURM_TORQUE_DIR/$l"; done
  echo "$slurm_ver" >"$SLURM_TORQUE_DIR/.version"
  rm -rf "$dl"
  did+=("PBS wrappers in $SLURM_TORQUE_DIR")
fi

# ---------------------------------------------------------------- 3. configuration
# cgroup v1 hierarchies for memory and freezer, mounted where Slurm's cgroup/v1 plugin
# looks, and writable (a probe directory, not just a mode bit).
cgroup_v1_usable() {
  local c d
  for c in memory freezer; do
    d=/sys/fs/cgroup/$c
    awk -v d="$d" -v c="$c" '$2 == d && $3 == "cgroup" && ("," $4 ",") ~ ("," c ",") { ok = 1 }
                             END { exit !ok }' /proc/mounts || return 1
    mkdir "$d/slurm-up-probe.$$" 2>/dev/null || return 1
    rmdir "$d/slurm-up-probe.$$"
  done
}
use_cgroup=no
case $SLURM_CGROUP in
  yes)  cgroup_v1_usable || die "SLURM_CGROUP=yes but no writable cgroup v1 memory+freezer"; use_cgroup=yes ;;
  auto) cgroup_v1_usable && use_cgroup=yes ;;
esac

tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

{
cat <<EOF
# Written by scripts/slurm-up.sh (queue-map-reduce); re-running it rewrites this file.
ClusterName=$SLURM_CLUSTER
# Host name read at run time (container names vary); addresses explicit so that no
# DNS or /etc/hosts entry is needed.
SlurmctldHost=$SLURM_NODE(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
# A DOWN node comes back by itself as soon as its slurmd answers.
ReturnToService=2
# Seconds between SIGTERM and SIGKILL on cancel/timeout (default 30: slow tests).
KillWait=2
# Finished jobs stay visible to squeue --states=all / scontrol / PBS qstat this long.
MinJobAge=$SLURM_MIN_JOB_AGE
EOF
slurm_scheduling_conf
cat <<EOF
# A default job takes 1 CPU + 1 GiB, so with 2 CPUs exactly 2 run and a 3rd pends with
# Reason=Resources (tests rely on that).
DefMemPerCPU=1024
# Partition priority preemption: fill the node from debug, submit to high -> PREEMPTED.
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
# sacct -c reads this text log: final states without any database.
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
JobAcctGatherType=jobacct_gather/linux
EOF
if [[ $use_cgroup == yes ]]; then
  cat <<'EOF'
# cgroup v1 found writable: real memory limits and a real OUT_OF_MEMORY state.
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
EOF
else
  cat <<'EOF'
# No usable cgroup v1: track processes by parent pid; a job over its --mem is killed by
# the accounting poller (ends FAILED 0:9 within ~30 s, never OUT_OF_MEMORY).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherParams=OverMemoryKill
EOF
fi
if [[ $SLURM_ACCOUNTING == slurmdbd ]]; then
  cat <<'EOF'
# Real sacct (history, arrays as ID_N, steps, --json) through slurmdbd + MariaDB.
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
EOF
else
  echo "AccountingStorageType=accounting_storage/none"
fi
cat <<EOF
NodeName=$SLURM_NODE NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS RealMemory=$SLURM_MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$SLURM_NODE Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=high Nodes=$SLURM_NODE MaxTime=INFINITE State=UP PriorityTier=10
EOF
} >"$tmp/slurm.conf"

cat >"$tmp/cgroup.conf" <<'EOF'
# Written by scripts/slurm-up.sh. The machine has cgroup v1 controllers under /sys/fs/cgroup.
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
CgroupAutomount=no
ConstrainRAMSpace=yes
EOF

# put_file SRC DEST MODE OWNER: install SRC as DEST when the content differs; returns 0
# when it changed something (so daemons are only restarted for a real change).
put_file() {
  if [[ -f $2 ]] && cmp -s "$1" "$2"; then return 1; fi
  install -D -m "$3" -o "$4" -g "$4" "$1" "$2"
  did+=("wrote $2")
}
conf_changed=0
put_file "$tmp/slurm.conf" "$ETC/slurm.conf" 644 root && conf_changed=1
if [[ $use_cgroup == yes ]]; then
  put_file "$tmp/cgroup.conf" "$ETC/cgroup.conf" 644 root && conf_changed=1
elif [[ -e $ETC/cgroup.conf ]]; then
  rm -f "$ETC/cgroup.conf"; did+=("removed $ETC/cgroup.conf"); conf_changed=1
fi
install -d -o slurm -g slurm "$LOGDIR" /var/lib/slurm/slurmctld
install -d -o root -g root /var/lib/slurm/slurmd

# ---------------------------------------------------------------- 4. munge
munged_alive() { daemon_alive "$MUNGE_PID" munged; }
if ! munged_alive; then
  if [[ ! -s /etc/munge/munge.key ]]; then     # normally made by munge's postinst
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 755 /run/munge
  # --force: a socket left by a killed munged would otherwise stop it from starting.
  start_daemon "$DAEMON_OUT" runuser -u munge -- /usr/sbin/munged --force || true
  wait_for 10 munged_alive || fail "munged did not start"
  mark_started munged
fi
munge -n | unmunge >/dev/null || fail "munge credentials do not round-trip"

# ---------------------------------------------------------------- 5. accounting
dbd_alive() { daemon_alive "$DBD_PID" slurmdbd; }
if [[ $SLURM_ACCOUNTING == slurmdbd ]]; then
  if ! mariadbd_alive; then
    mariadbd_start || fail "mariadbd did not start"
    mark_started mariadbd
  fi

  # The DB password lives only in slurmdbd.conf (slurm:600): keep the one already there.
  pass=$(sed -n 's/^StoragePass=//p' "$ETC/slurmdbd.conf" 2>/dev/null || true)
  [[ -n $pass ]] || pass=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  cat >"$tmp/slurmdbd.conf" <<EOF
# Written by scripts/slurm-up.sh. slurmdbd on loopback, MariaDB over its unix socket.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
SlurmUser=slurm
LogFile=$LOGDIR/slurmdbd.log
PidFile=$DBD_PID
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=$pass
EOF
  dbd_changed=0
  put_file "$tmp/slurmdbd.conf" "$ETC/slurmdbd.conf" 600 slurm && dbd_changed=1
  if (( dbd_changed )) && dbd_alive; then stop_pid "$(pidfile_pid "$DBD_PID")" slurmdbd 20; fi
  if ! dbd_alive; then
    # root reaches MariaDB through the socket without a password (Debian's unix_socket auth).
    mariadb --socket="$MYSQL_SOCK" <<EOF || fail "cannot create the accounting database"
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF
    rm -f "$DBD_PID"
    start_daemon "$DAEMON_OUT" /usr/sbin/slurmdbd || true
    wait_for 10 dbd_alive || fail "slurmdbd did not start"
    mark_started slurmdbd
  fi
  # First start creates the tables: give it time.
  wait_for 60 sacctmgr -n list cluster || fail "slurmdbd does not answer sacctmgr"
  if [[ -z $(sacctmgr -n -P list cluster "$SLURM_CLUSTER" format=cluster) ]]; then
    sacctmgr -i add cluster "$SLURM_CLUSTER" >/dev/null || fail "sacctmgr add cluster failed"
    did+=("cluster $SLURM_CLUSTER in slurmdbd")
  fi
fi

# ---------------------------------------------------------------- 6. slurmctld, slurmd
ctld_alive()   { daemon_alive "$CTLD_PID" slurmctld; }
slurmd_alive() { daemon_alive "$SLURMD_PID" slurmd; }
if (( conf_changed )) && { ctld_alive || slurmd_alive; }; then
  # slurmctld goes first: with slurmd stopped right after slurmctld launched a job, that
  # job once stayed RUNNING with no process until scancel. Jobs in the state survive.
  active=$(squeue -h -t RUNNING,COMPLETING 2>/dev/null | wc -l || true)
  (( active == 0 )) || warn "config changed while $active job(s) run: restarting anyway"
  if ctld_alive; then stop_pid "$(pidfile_pid "$CTLD_PID")" slurmctld 20; fi
  if slurmd_alive; then stop_pid "$(pidfile_pid "$SLURMD_PID")" slurmd 20; fi
  did+=("restarted slurmctld+slurmd for the new config")
fi
if ! ctld_alive; then
  rm -f "$CTLD_PID"
  start_daemon "$DAEMON_OUT" /usr/sbin/slurmctld || true   # forks, drops to SlurmUser
  wait_for 15 ctld_alive || fail "slurmctld did not start"
  mark_started slurmctld
fi
wait_for 20 eval 'scontrol ping | grep -q "is UP"' || fail "slurmctld does not answer (scontrol ping)"
if ! slurmd_alive; then
  rm -f "$SLURMD_PID"
  start_daemon "$DAEMON_OUT" /usr/sbin/slurmd -N "$SLURM_NODE" || true   # stays root
  wait_for 15 slurmd_alive || fail "slurmd did not start"
  mark_started slurmd
fi

# Node usable? idle/mixed/allocated (jobs may be running). Tests may leave it drained:
# resume it. A plain DOWN needs nothing: ReturnToService=2 brings it back once slurmd answers.
node_state() { sinfo -h -n "$SLURM_NODE" -o %T | head -n1; }
node_usable() { [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; }
node_settled() { node_usable || [[ $(node_state) == drain* ]]; }
wait_for 20 node_settled || true
if [[ $(node_state) == drain* ]]; then
  did+=("resumed node (was $(node_state))")
  scontrol update nodename="$SLURM_NODE" state=resume || true
fi
wait_for 20 node_usable || fail "node $SLURM_NODE is '$(node_state)', not idle"
for p in debug high; do
  if [[ $(sinfo -h -p "$p" -o %a | head -n1) != up ]]; then
    scontrol update partitionname="$p" state=up; did+=("partition $p up")
  fi
done

# ---------------------------------------------------------------- 7. smoke jobs
if [[ $SLURM_SKIP_SMOKE != 1 ]]; then
  # The PBS one first, so it runs while sbatch --wait waits (2 CPUs: both fit).
  printf '#!/bin/sh\ntrue\n' >"$tmp/pbs-smoke.sh"
  pbs_id=$(cd "$tmp" && "$SLURM_TORQUE_DIR/qsub" -N slurm_up_pbs -o /dev/null -e /dev/null \
           "$tmp/pbs-smoke.sh" 2>&1) || fail "PBS qsub failed: $pbs_id"
  [[ $pbs_id =~ ^[0-9]+$ ]] || fail "PBS qsub printed '$pbs_id', not a job id"
  # --wait: returns when the job ends, with its exit code (~2 s even for `true`).
  job=$(cd "$tmp" && timeout "$SLURM_SMOKE_TIMEOUT" sbatch --wait --parsable -J slurm_up_smoke \
        -o /dev/null --wrap true 2>&1) ||
    fail "sbatch smoke job $( (( $? == 124 )) && echo "timed out after ${SLURM_SMOKE_TIMEOUT}s" || echo failed): $job"
  job=${job%%[!0-9]*}
  pbs_done() { scontrol show job -o "$pbs_id" | grep -q 'JobState=COMPLETED'; }
  wait_for "$SLURM_SMOKE_TIMEOUT" pbs_done ||
    fail "PBS job $pbs_id did not complete: $(scontrol show job -o "$pbs_id" 2>&1)"
  if [[ $SLURM_ACCOUNTING == slurmdbd ]]; then
    # The exact query the library uses for final states; the record follows within ~0.1 s.
    sacct_ok() {
      [[ $(sacct --parsable2 --noheader -X --format=JobID,State,ExitCode -j "$job") == "$job|COMPLETED|0:0" ]]
    }
    wait_for 15 sacct_ok || fail "sacct does not show smoke job $job as COMPLETED: $(sacct -X -j "$job" 2>&1)"
  fi
fi

echo "slurm-up: OK in $(elapsed): node $SLURM_NODE cpus=$SLURM_CPUS mem=${SLURM_MEM_MB}M" \
     "accounting=$SLURM_ACCOUNTING cgroup=$use_cgroup smoke=${job:-skipped}/${pbs_id:-skipped};" \
     "started: $(join ', ' "${started[@]}"); changed: $(join ', ' "${did[@]}")"
