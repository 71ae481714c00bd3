#!/usr/bin/env bash
# cluster-down.sh: stop the one-machine cluster of cluster-up.sh: every process of its hosts
# (killing a host's PID 1 ends its pid namespace, FUSE mount and daemons with it), its munged,
# its network namespaces. The machine's own SGE and Slurm are not touched. Safe to re-run.
# --purge also removes the cluster's state, config, logs, SGE cell and the shared tree's contents.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/cluster-lib.sh
. "$here/cluster-lib.sh"
require_root

stopped=()
# The controllers first, so that they save their state (slurmctld on SIGTERM; sge_qmaster on
# qconf -km, else its job numbers start again at 1); then the hosts at once.
for p in $(host_pids "$CLUSTER_SUBMIT" slurmctld); do stop_pid "$p" slurmctld 20; stopped+=(slurmctld); done
if [[ -n $(host_pids "$CLUSTER_SUBMIT" sge_qmaster) ]]; then
  # shellcheck disable=SC2046
  in_host "$CLUSTER_SUBMIT" env $(sge_env) /usr/lib/gridengine/qconf -km >/dev/null 2>&1 || true
  wait_for 30 eval '[[ -z $(host_pids "$CLUSTER_SUBMIT" sge_qmaster) ]]' || warn "sge_qmaster ignored qconf -km"
  stopped+=(sge_qmaster)
fi
for h in "${CLUSTER_NODES[@]}" "$CLUSTER_SUBMIT"; do
  if holder=$(holder_pid "$h"); then
    kill -KILL "$holder"
    wait_for 10 eval "! holder_pid $h" || warn "host $h does not go away"
    stopped+=("host $h")
  fi
  ip netns del "$h" 2>/dev/null || true
done
ip route del blackhole "$CLUSTER_NET.0/24" 2>/dev/null || true
if pid=$(pidfile_pid "$CLUSTER_MUNGE_PID") && daemon_alive "$CLUSTER_MUNGE_PID" munged; then
  stop_pid "$pid" munged 10; stopped+=(munged)
fi
if [[ ${1:-} == --purge ]]; then
  # Only folders and a user this cluster made: an export or user set from the environment to
  # something else (CLUSTER_EXPORT=/srv) is left alone.
  [[ $(basename "$CLUSTER_EXPORT") == qmr-* ]] || die "--purge removes the shared tree, but CLUSTER_EXPORT=$CLUSTER_EXPORT is not a qmr-* folder: remove it by hand"
  if [[ $CLUSTER_USER == qmr-* ]] && id "$CLUSTER_USER" >/dev/null 2>&1; then userdel "$CLUSTER_USER"; stopped+=("user $CLUSTER_USER"); fi
  rm -rf "$CLUSTER_LIB" "$CLUSTER_RUN" "$CLUSTER_LOG" "$CLUSTER_ETC" "$CLUSTER_EXPORT" \
    "$CLUSTER_SGE_SPOOL" "${CLUSTER_SGE_ROOT:?}/$CLUSTER_SGE_CELL"
  stopped+=("purged state")
fi
echo "cluster-down: OK in $(elapsed); stopped: $(join ', ' "${stopped[@]}")"
