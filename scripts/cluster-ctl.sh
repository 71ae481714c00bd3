#!/usr/bin/env bash
# cluster-ctl.sh: what tests (and people) do to the one-machine cluster of cluster-up.sh, as root.
#   exec HOST CMD...     run CMD inside HOST (its network, hostname, mounts, pids)
#   kill-host HOST       SIGKILL every process of HOST (its PID 1: the pid namespace ends)
#   start-node NODE      bring a killed node back (its namespaces, FUSE mount and slurmd)
#   fuse-stop HOST / fuse-cont HOST   SIGSTOP / SIGCONT HOST's FUSE process (its file system hangs)
#   stop-ctld            stop slurmctld (SIGTERM: it saves its state);  start-ctld: start it again
#   stop-qmaster / start-qmaster   the same for SGE's qmaster (qconf -km)
#   heal (= start-node)  start whatever of the cluster is not running, resume drained nodes,
#                        cancel the cluster user's jobs
#   pids HOST [COMM]     root-namespace pids of HOST's processes
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/cluster-lib.sh
. "$here/cluster-lib.sh"
require_root
export SLURM_CONF=$CLUSTER_SLURM_CONF

cmd=${1:?usage: cluster-ctl.sh exec|kill-host|start-node|heal|fuse-stop|fuse-cont|stop-ctld|start-ctld|stop-qmaster|start-qmaster|pids ...}
shift
case $cmd in
  exec) host=$1; shift; in_host "$host" "$@" ;;
  pids) host_pids "$@" ;;
  kill-host)
    holder=$(holder_pid "$1") || die "host $1 is not up"
    kill -KILL "$holder"
    wait_for 20 eval "! holder_pid $1" || die "host $1 does not die"
    ;;
  start-node|heal)
    # cluster-up.sh starts exactly what is missing (a killed host and its slurmd) and resumes
    # a drained node; then nothing of the cluster's user is left in the queue.
    CLUSTER_SKIP_SMOKE=1 bash "$here/cluster-up.sh" >&2
    in_host "$CLUSTER_SUBMIT" scancel -u "$CLUSTER_USER" || true
    if [[ -n $(host_pids "$CLUSTER_SUBMIT" sge_qmaster) ]]; then
      # shellcheck disable=SC2046
      in_host "$CLUSTER_SUBMIT" env $(sge_env) /usr/lib/gridengine/qdel -f -u "$CLUSTER_USER" >/dev/null 2>&1 || true
    fi
    ;;
  fuse-stop|fuse-cont)
    pids=$(host_pids "$1" bindfs)
    [[ -n $pids ]] || die "no bindfs on $1"
    # shellcheck disable=SC2086
    if [[ $cmd == fuse-stop ]]; then kill -s STOP $pids; else kill -s CONT $pids; fi
    ;;
  stop-ctld)
    # As a service restart does: SIGTERM, slurmctld saves its state and exits.
    pids=$(host_pids "$CLUSTER_SUBMIT" slurmctld)
    [[ -n $pids ]] || die "no slurmctld on $CLUSTER_SUBMIT"
    for p in $pids; do stop_pid "$p" slurmctld 30; done
    ;;
  stop-qmaster)
    # As an admin's restart: qconf -km (controlled shutdown, its job numbers saved).
    # shellcheck disable=SC2046
    in_host "$CLUSTER_SUBMIT" env $(sge_env) /usr/lib/gridengine/qconf -km >/dev/null 2>&1 || true
    wait_for 60 eval '[[ -z $(host_pids "$CLUSTER_SUBMIT" sge_qmaster) ]]' ||
      for p in $(host_pids "$CLUSTER_SUBMIT" sge_qmaster); do stop_pid "$p" sge_qmaster 20; done
    ;;
  start-qmaster)
    # shellcheck disable=SC2046
    start_daemon "$CLUSTER_LOG/daemons.out" nsenter -t "$(holder_pid "$CLUSTER_SUBMIT")" -n -u -m -p -- \
      env $(sge_env) /usr/lib/gridengine/sge_qmaster || true
    # shellcheck disable=SC2046
    wait_for 60 in_host "$CLUSTER_SUBMIT" env $(sge_env) /usr/lib/gridengine/qstat || die "sge_qmaster does not come back"
    ;;
  start-ctld)
    start_daemon "$CLUSTER_LOG/daemons.out" nsenter -t "$(holder_pid "$CLUSTER_SUBMIT")" -n -u -m -p -- \
      /usr/sbin/slurmctld -f "$CLUSTER_SLURM_CONF" || true
    wait_for 30 eval 'in_host "$CLUSTER_SUBMIT" scontrol ping | grep -q "is UP"' || die "slurmctld does not come back"
    ;;
  *) die "unknown command $cmd" ;;
esac
