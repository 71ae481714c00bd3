# shellcheck shell=bash
# Helpers for the one-machine cluster (cluster-up.sh, cluster-down.sh, cluster-ctl.sh): names,
# paths, and how to find and enter a host's namespaces. Source it after lib.sh; it changes nothing.
#
# A "host" (qmr-submit, qmr-node1, qmr-node2) is a network namespace made with `ip netns` plus,
# inside it, a holder process made by `unshare --uts --mount --pid`: the holder is PID 1 of the
# host's pid namespace, owns its hostname and its mount table (the bind-mounted hosts file and
# the host's own bindfs mount of the shared tree). Everything the host runs is entered through
# the holder (nsenter), so killing the holder kills every process of the host at once.

CLUSTER_ETC=/etc/qmr-cluster
CLUSTER_RUN=/run/qmr-cluster
CLUSTER_LOG=/var/log/qmr-cluster
CLUSTER_LIB=/var/lib/qmr-cluster
CLUSTER_SLURM_CONF=$CLUSTER_ETC/slurm/slurm.conf
CLUSTER_HOSTS_FILE=$CLUSTER_ETC/hosts
CLUSTER_MUNGE_SOCKET=$CLUSTER_RUN/munge/munge.socket.2
CLUSTER_MUNGE_PID=$CLUSTER_RUN/munge/munged.pid
# The "NFS server's" export, and where every host mounts it (the same path everywhere).
CLUSTER_EXPORT=${CLUSTER_EXPORT:-/srv/qmr-share}
CLUSTER_MOUNT=${CLUSTER_MOUNT:-/qmr-share}
# The ordinary user who runs the maps; home (and so work dirs) on the shared tree.
CLUSTER_USER=${CLUSTER_USER:-qmr-cluster-user}
CLUSTER_HOME=$CLUSTER_MOUNT/home/$CLUSTER_USER
# Seconds the FUSE mounts cache attributes, entries and negative lookups (NFS acregmax-like).
CLUSTER_CACHE_SECONDS=${CLUSTER_CACHE_SECONDS:-30}
# Private addresses, only ever configured inside the namespaces the script makes: the bridge
# lives in the submit host's network namespace, the nodes hang off it by veth pairs. A /24 that
# this machine must not already reach (cluster-up.sh refuses one in use); set it where 10.213.7 is.
CLUSTER_NET=${CLUSTER_NET:-10.213.7}
CLUSTER_BRIDGE=qmrbr0
CLUSTER_SUBMIT=qmr-submit
CLUSTER_NODES=(qmr-node1 qmr-node2)
# Ports of this Slurm instance (the machine's single-host Slurm keeps 6817/6818).
CLUSTER_CTLD_PORT=6917
CLUSTER_SLURMD_PORT=6918

# host_addr HOST: its address on the cluster network.
host_addr() {
  case $1 in
    "$CLUSTER_SUBMIT") echo "$CLUSTER_NET.1" ;;
    qmr-node*) echo "$CLUSTER_NET.$(( 10 + ${1#qmr-node} ))" ;;
    *) return 1 ;;
  esac
}

# holder_pid HOST: the root-namespace pid of the host's PID 1 (fails when the host is not up).
# The holder is the process in the host's netns whose innermost pid is 1.
holder_pid() {
  local p
  for p in $(ip netns pids "$1" 2>/dev/null); do
    [[ $(awk '$1 == "NSpid:" { print $NF }' "/proc/$p/status" 2>/dev/null) == 1 ]] || continue
    pid_alive "$p" && { echo "$p"; return 0; }
  done
  return 1
}

# host_pids HOST [COMM]: root-namespace pids of the processes in the host's pid namespace
# (those whose command name is COMM, when given).
host_pids() {
  local holder ns p
  holder=$(holder_pid "$1") || return 0
  ns=$(readlink "/proc/$holder/ns/pid")
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ $(readlink "/proc/$p/ns/pid" 2>/dev/null) == "$ns" ]] || continue
    [[ -z ${2:-} || $(cat "/proc/$p/comm" 2>/dev/null) == "${2:0:15}" ]] || continue
    pid_alive "$p" && echo "$p"
  done
}

# in_host HOST CMD...: run CMD inside the host (its network, hostname, mounts and pids).
in_host() {
  local holder
  holder=$(holder_pid "$1") || { echo "host $1 is not up" >&2; return 1; }
  shift
  nsenter -t "$holder" -n -u -m -p -- "$@"
}

# host_mounted HOST: the host's shared-tree FUSE mount is in its mount table.
host_mounted() {
  local holder
  holder=$(holder_pid "$1") || return 1
  awk -v m="$CLUSTER_MOUNT" '$2 == m && $3 ~ /^fuse/ { ok = 1 } END { exit !ok }' "/proc/$holder/mounts"
}

# --- the cluster's SGE cell (next to the machine's cell "default", same SGE_ROOT and packages)
CLUSTER_SGE_ROOT=/var/lib/gridengine
CLUSTER_SGE_CELL=qmrcluster
CLUSTER_SGE_QMASTER_PORT=6544
CLUSTER_SGE_EXECD_PORT=6545
CLUSTER_SGE_SPOOL=/var/spool/qmr-cluster-sge
# sge_env: the environment that selects the cluster's cell (clients and daemons alike).
sge_env() {
  echo "SGE_ROOT=$CLUSTER_SGE_ROOT" "SGE_CELL=$CLUSTER_SGE_CELL" \
       "SGE_QMASTER_PORT=$CLUSTER_SGE_QMASTER_PORT" "SGE_EXECD_PORT=$CLUSTER_SGE_EXECD_PORT"
}
