#!/usr/bin/env bash
# cluster-up.sh: a Slurm cluster on this one machine, next to (not instead of) the single-host
# SGE and Slurm of schedulers-up.sh: a submit host and two compute nodes, each a set of Linux
# namespaces with its own hostname, address and mount table; a shared tree that every host sees
# through its own caching FUSE mount (NFS-like staleness); an ordinary user whose home is on it.
# Installs what is missing (Debian 12 packages), starts what is not running, safe to re-run.
# How to use it and what it emulates: scripts/README.md. Undo: cluster-down.sh.
#
# Knobs (environment): CLUSTER_CACHE_SECONDS (FUSE attr/entry/negative cache, default 30),
# CLUSTER_USER (default qmr-cluster-user), CLUSTER_SKIP_SMOKE=1.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/cluster-lib.sh
. "$here/cluster-lib.sh"
require_root

started=()
fail() {
  log "ERROR: $*"
  tail_logs "$CLUSTER_LOG"/slurm*.log "$CLUSTER_LOG"/host-*.log "$CLUSTER_LOG"/daemons.out \
    /var/spool/qmr-cluster-sge/qmaster/messages /var/spool/qmr-cluster-sge/execd/*/messages
  exit 1
}

# ---------------------------------------------------------------- 1. packages
apt_install munge slurmctld slurmd slurm-client bindfs fuse iproute2 util-linux
install -d -m 755 "$CLUSTER_ETC" "$CLUSTER_ETC/slurm" "$CLUSTER_RUN" "$CLUSTER_LIB"
install -d -o slurm -g slurm "$CLUSTER_LOG" "$CLUSTER_LIB/slurmctld"
install -d "$CLUSTER_LIB/slurmd"
DAEMON_OUT=$CLUSTER_LOG/daemons.out

# ---------------------------------------------------------------- 2. names, user, shared tree
{
  echo "# Written by scripts/cluster-up.sh: the cluster's names, bind-mounted on /etc/hosts in its hosts."
  echo "127.0.0.1 localhost"
  for h in "$CLUSTER_SUBMIT" "${CLUSTER_NODES[@]}"; do echo "$(host_addr "$h") $h"; done
} >"$CLUSTER_HOSTS_FILE"

# One /etc/passwd for every host (the namespaces share the root file system): same uid everywhere.
if ! id "$CLUSTER_USER" >/dev/null 2>&1; then
  useradd --no-create-home --home-dir "$CLUSTER_HOME" --shell /bin/bash "$CLUSTER_USER"
fi
install -d -m 755 "$CLUSTER_EXPORT" "$CLUSTER_EXPORT/home" "$CLUSTER_MOUNT"
install -d -m 755 -o "$CLUSTER_USER" -g "$CLUSTER_USER" "$CLUSTER_EXPORT/home/$CLUSTER_USER"

# ---------------------------------------------------------------- 3. hosts
# Network namespaces first (addresses only inside them), then each host's holder process.
# In the machine's own namespace the cluster's range goes nowhere: a client started there with
# the cluster's SLURM_CONF fails at once instead of sending packets out by the default route.
# The range must be one this machine does not use: a route that covers it (other than the
# default route and this script's own blackhole) or an address in it means a real network here.
in_use=$( { ip -4 route show to match "$CLUSTER_NET.1" | grep -v -e '^default ' -e "^blackhole $CLUSTER_NET.0/24"
            ip -4 -o addr show to "$CLUSTER_NET.0/24"; } || true)
[[ -z $in_use ]] || die "$CLUSTER_NET.0/24 is in use on this machine ($(echo "$in_use" | head -1)): set CLUSTER_NET to the first three numbers of a free /24 (e.g. CLUSTER_NET=10.199.3)"
[[ -n $(ip -4 route show exact "$CLUSTER_NET.0/24" type blackhole) ]] || ip route add blackhole "$CLUSTER_NET.0/24"
ip netns add "$CLUSTER_SUBMIT" 2>/dev/null || true
if ! ip -n "$CLUSTER_SUBMIT" link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; then
  ip -n "$CLUSTER_SUBMIT" link add "$CLUSTER_BRIDGE" type bridge
  ip -n "$CLUSTER_SUBMIT" addr add "$(host_addr "$CLUSTER_SUBMIT")/24" dev "$CLUSTER_BRIDGE"
fi
ip -n "$CLUSTER_SUBMIT" link set lo up
ip -n "$CLUSTER_SUBMIT" link set "$CLUSTER_BRIDGE" up
for node in "${CLUSTER_NODES[@]}"; do
  ip netns add "$node" 2>/dev/null || true
  port=v${node#qmr-}            # the node's port on the bridge, e.g. vnode1
  if ! ip -n "$node" link show eth0 >/dev/null 2>&1; then
    ip -n "$CLUSTER_SUBMIT" link del "$port" 2>/dev/null || true
    ip -n "$CLUSTER_SUBMIT" link add "$port" type veth peer name eth0 netns "$node"
    ip -n "$node" addr add "$(host_addr "$node")/24" dev eth0
  fi
  ip -n "$CLUSTER_SUBMIT" link set "$port" master "$CLUSTER_BRIDGE" up
  ip -n "$node" link set lo up
  ip -n "$node" link set eth0 up
done

# start_host HOST: its holder (cluster-host-init.sh) when not running, then wait for its mount.
start_host() {
  if holder_pid "$1" >/dev/null && host_mounted "$1"; then return 0; fi
  local old
  if old=$(holder_pid "$1"); then kill -KILL "$old"; wait_for 10 eval "! holder_pid $1"; fi
  spawn_daemon "$CLUSTER_LOG/host-$1.log" nsenter --net="/run/netns/$1" \
    unshare --uts --mount --pid --fork --mount-proc --propagation private \
    bash "$here/cluster-host-init.sh" "$1"
  wait_for 20 host_mounted "$1" || fail "host $1 did not come up (see $CLUSTER_LOG/host-$1.log)"
  started+=("host $1")
}
for h in "$CLUSTER_SUBMIT" "${CLUSTER_NODES[@]}"; do start_host "$h"; done

# ---------------------------------------------------------------- 4. munge
# A munged of its own (own socket), so that the machine's Slurm can be restarted by others
# without taking the cluster's authentication down; same key. Unix sockets on the file system
# are reachable from every network namespace.
munged_alive() { daemon_alive "$CLUSTER_MUNGE_PID" munged; }
if ! munged_alive; then
  [[ -s /etc/munge/munge.key ]] || { mungekey --create --keyfile=/etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key; }
  install -d -o munge -g munge -m 755 "$CLUSTER_RUN/munge"
  install -d -o munge -g munge -m 700 "$CLUSTER_LIB/munge"
  install -d -o munge -g munge -m 700 "$CLUSTER_LOG/munge"
  start_daemon "$DAEMON_OUT" runuser -u munge -- /usr/sbin/munged --force \
    --socket="$CLUSTER_MUNGE_SOCKET" --pid-file="$CLUSTER_MUNGE_PID" \
    --seed-file="$CLUSTER_LIB/munge/munged.seed" --log-file="$CLUSTER_LOG/munge/munged.log" || true
  wait_for 10 munged_alive || fail "munged did not start"
  started+=(munged)
fi

# ---------------------------------------------------------------- 5. Slurm
tmp=$(mktemp -d)
chmod 755 "$tmp"          # SGE's init tools read their inputs from here as sgeadmin
at_exit "rm -rf $tmp"
{
cat <<EOF
# Written by scripts/cluster-up.sh: the one-machine cluster (select it with SLURM_CONF=$CLUSTER_SLURM_CONF).
ClusterName=qmrcluster
SlurmctldHost=$CLUSTER_SUBMIT($(host_addr "$CLUSTER_SUBMIT"))
SlurmctldPort=$CLUSTER_CTLD_PORT
SlurmdPort=$CLUSTER_SLURMD_PORT
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$CLUSTER_MUNGE_SOCKET
CredType=cred/munge
MpiDefault=none
SlurmctldPidFile=$CLUSTER_RUN/slurmctld.pid
SlurmdPidFile=$CLUSTER_RUN/slurmd-%n.pid
StateSaveLocation=$CLUSTER_LIB/slurmctld
SlurmdSpoolDir=$CLUSTER_LIB/slurmd/%n
SlurmctldLogFile=$CLUSTER_LOG/slurmctld.log
SlurmdLogFile=$CLUSTER_LOG/slurmd-%n.log
ReturnToService=2
# A node whose slurmd stops answering is DOWN (its jobs NODE_FAIL) after this, not the 300 s default.
SlurmdTimeout=20
KillWait=2
MinJobAge=600
EOF
slurm_scheduling_conf
cat <<EOF
DefMemPerCPU=512
# No cgroups inside the node namespaces: processes are tracked by parent pid.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$CLUSTER_LOG/jobcomp.log
EOF
for node in "${CLUSTER_NODES[@]}"; do
  echo "NodeName=$node NodeAddr=$(host_addr "$node") CPUs=$(nproc) RealMemory=2048 State=UNKNOWN"
done
echo "PartitionName=debug Nodes=$(join , "${CLUSTER_NODES[@]}") Default=YES MaxTime=INFINITE State=UP"
} >"$tmp/slurm.conf"
conf_changed=0
if ! cmp -s "$tmp/slurm.conf" "$CLUSTER_SLURM_CONF"; then
  install -m 644 "$tmp/slurm.conf" "$CLUSTER_SLURM_CONF"
  conf_changed=1
fi
export SLURM_CONF=$CLUSTER_SLURM_CONF

ctld_alive() { [[ -n $(host_pids "$CLUSTER_SUBMIT" slurmctld) ]]; }
slurmd_alive() { [[ -n $(host_pids "$1" slurmd) ]]; }
if (( conf_changed )); then
  for p in $(host_pids "$CLUSTER_SUBMIT" slurmctld); do stop_pid "$p" slurmctld 20; done
  for node in "${CLUSTER_NODES[@]}"; do
    for p in $(host_pids "$node" slurmd); do stop_pid "$p" slurmd 20; done
  done
fi
if ! ctld_alive; then
  rm -f "$CLUSTER_RUN/slurmctld.pid"
  start_daemon "$DAEMON_OUT" nsenter -t "$(holder_pid "$CLUSTER_SUBMIT")" -n -u -m -p -- \
    /usr/sbin/slurmctld -f "$CLUSTER_SLURM_CONF" || true
  wait_for 15 ctld_alive || fail "slurmctld did not start"
  started+=(slurmctld)
fi
wait_for 20 eval 'in_host "$CLUSTER_SUBMIT" scontrol ping | grep -q "is UP"' ||
  fail "slurmctld does not answer (scontrol ping)"
for node in "${CLUSTER_NODES[@]}"; do
  if ! slurmd_alive "$node"; then
    install -d "$CLUSTER_LIB/slurmd/$node"
    start_daemon "$DAEMON_OUT" nsenter -t "$(holder_pid "$node")" -n -u -m -p -- \
      /usr/sbin/slurmd -f "$CLUSTER_SLURM_CONF" -N "$node" || true
    wait_for 15 slurmd_alive "$node" || fail "slurmd on $node did not start"
    started+=("slurmd $node")
  fi
done
node_state() { in_host "$CLUSTER_SUBMIT" sinfo -h -n "$1" -o %T | head -n1; }
node_usable() { [[ $(node_state "$1") =~ ^(idle|mixed|allocated|completing)$ ]]; }
for node in "${CLUSTER_NODES[@]}"; do
  wait_for 30 eval "node_usable $node || [[ \$(node_state $node) == drain* ]]" || true
  [[ $(node_state "$node") == drain* ]] && in_host "$CLUSTER_SUBMIT" scontrol update nodename="$node" state=resume
  wait_for 30 node_usable "$node" || fail "node $node is '$(node_state "$node")', not idle"
done

# ---------------------------------------------------------------- 6. SGE
# A cell of its own ($CLUSTER_SGE_CELL) under the same SGE_ROOT, with its own spool, ports and
# accounting file: qmaster on the submit host, an execd on each node. Clients select it with
# SGE_CELL + SGE_QMASTER_PORT + SGE_EXECD_PORT (sge_env). The machine's cell is not touched.
if [[ ${CLUSTER_SGE:-1} == 1 ]]; then
  apt_install gridengine-master gridengine-exec gridengine-client
  cell=$CLUSTER_SGE_ROOT/$CLUSTER_SGE_CELL
  read -ra SGE_ENV <<<"$(sge_env)"
  in_sge() { local h=$1; shift; in_host "$h" env "${SGE_ENV[@]}" "$@"; }
  sgebin=/usr/lib/gridengine
  if [[ ! -e $CLUSTER_SGE_SPOOL/spooldb/sge ]]; then
    # What Debian's init_cluster does for the default cell, with this cell's spool and an execd
    # spool of its own.
    install -d -o sgeadmin -g sgeadmin "$cell" "$cell/common" "$CLUSTER_SGE_SPOOL" \
      "$CLUSTER_SGE_SPOOL/spooldb" "$CLUSTER_SGE_SPOOL/qmaster" "$CLUSTER_SGE_SPOOL/qmaster/job_scripts" "$CLUSTER_SGE_SPOOL/execd"
    sed -e "s|^spooling_params .*|spooling_params         $CLUSTER_SGE_SPOOL/spooldb|" \
        -e "s|^qmaster_spool_dir .*|qmaster_spool_dir       $CLUSTER_SGE_SPOOL/qmaster|" \
        /usr/share/gridengine/default-bootstrap >"$tmp/bootstrap"
    install -m 644 -o sgeadmin -g sgeadmin "$tmp/bootstrap" "$cell/common/bootstrap"
    sed -e "s|^execd_spool_dir .*|execd_spool_dir        $CLUSTER_SGE_SPOOL/execd|" \
        -e "s|^min_uid .*|min_uid                0|" -e "s|^min_gid .*|min_gid                0|" \
        /usr/share/gridengine/default-configuration >"$tmp/configuration"
    chmod 644 "$tmp/configuration"
    sgeinit() { runuser -u sgeadmin -- env SGE_ROOT=$CLUSTER_SGE_ROOT SGE_CELL=$CLUSTER_SGE_CELL "$@"; }
    quiet sgeinit $sgebin/spoolinit berkeleydb libspoolb "$CLUSTER_SGE_SPOOL/spooldb" init
    quiet sgeinit $sgebin/spooldefaults configuration "$tmp/configuration"
    quiet sgeinit $sgebin/spooldefaults complexes /usr/share/gridengine/util/resources/centry
    quiet sgeinit $sgebin/spooldefaults usersets /usr/share/gridengine/util/resources/usersets
    quiet sgeinit $sgebin/spooldefaults managers sgeadmin
    printf 'SGE_ROOT=%s; export SGE_ROOT\nSGE_CELL=%s; export SGE_CELL\n' "$CLUSTER_SGE_ROOT" "$CLUSTER_SGE_CELL" >"$cell/common/settings.sh"
  fi
  echo "$CLUSTER_SUBMIT" >"$cell/common/act_qmaster"
  chown sgeadmin:sgeadmin "$cell/common/act_qmaster"

  qmaster_alive() { [[ -n $(host_pids "$CLUSTER_SUBMIT" sge_qmaster) ]]; }
  if ! qmaster_alive; then
    rm -f "$CLUSTER_SGE_SPOOL/qmaster/qmaster.pid"
    start_daemon "$DAEMON_OUT" nsenter -t "$(holder_pid "$CLUSTER_SUBMIT")" -n -u -m -p -- \
      env "${SGE_ENV[@]}" $sgebin/sge_qmaster || true
    wait_for 30 qmaster_alive || fail "sge_qmaster did not start"
    started+=(sge_qmaster)
  fi
  wait_for 30 in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -sh || fail "sge_qmaster does not answer qconf"
  qc() { quiet in_sge "$CLUSTER_SUBMIT" $sgebin/qconf "$@"; }
  # Tuning as sge-up.sh's (scripts/README.md says why): accounting at once, quick scheduling;
  # and a node whose execd stops reporting is in state u after 30 s (default 5 min), as Slurm's
  # SlurmdTimeout here.
  in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -sconf global | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
    awk '$1 == "reporting_params" { print "reporting_params accounting=true reporting=false flush_time=00:00:15 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00"; next }
         $1 == "max_unheard" { print "max_unheard 00:00:30"; next } { print }' >"$tmp/global"
  qc -Mconf "$tmp/global" || true
  in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -ssconf |
    awk '$1 == "schedule_interval" { print $1, "0:0:1"; next }
         $1 == "flush_submit_sec" || $1 == "flush_finish_sec" { print $1, 1; next } { print }' >"$tmp/sconf"
  qc -Msconf "$tmp/sconf" || true
  in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -ss 2>/dev/null | grep -qx "$CLUSTER_SUBMIT" || qc -as "$CLUSTER_SUBMIT"
  for node in "${CLUSTER_NODES[@]}"; do
    if ! in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -se "$node" >/dev/null 2>&1; then
      printf '%-21s %s\n' hostname "$node" load_scaling NONE complex_values NONE user_lists NONE \
        xuser_lists NONE projects NONE xprojects NONE usage_scaling NONE report_variables NONE >"$tmp/exechost"
      qc -Ae "$tmp/exechost"
    fi
  done
  if ! in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -shgrp @allhosts >/dev/null 2>&1; then
    printf 'group_name @allhosts\nhostlist %s\n' "${CLUSTER_NODES[*]}" >"$tmp/allhosts"
    qc -Ahgrp "$tmp/allhosts"
  fi
  if ! in_sge "$CLUSTER_SUBMIT" $sgebin/qconf -sq all.q >/dev/null 2>&1; then
    sge_queue_conf all.q "$(nproc)" >"$tmp/queue"
    qc -Aq "$tmp/queue"
  fi
  for node in "${CLUSTER_NODES[@]}"; do
    if [[ -z $(host_pids "$node" sge_execd) ]]; then
      rm -f "$CLUSTER_SGE_SPOOL/execd/$node/execd.pid"
      start_daemon "$DAEMON_OUT" nsenter -t "$(holder_pid "$node")" -n -u -m -p -- \
        env "${SGE_ENV[@]}" $sgebin/sge_execd || true
      wait_for 30 eval "[[ -n \$(host_pids $node sge_execd) ]]" || fail "sge_execd on $node did not start"
      started+=("sge_execd $node")
      # Listening (qping answers): a qmaster that never saw the old execd die sends it jobs at once.
      wait_for 30 in_sge "$CLUSTER_SUBMIT" $sgebin/qping -info "$node" "$CLUSTER_SGE_EXECD_PORT" execd 1 ||
        fail "sge_execd on $node does not answer qping"
    fi
  done
  # Every queue instance known and not in u(nknown), d(isabled), E(rror).
  qi_ok() {
    local states
    states=$(in_sge "$CLUSTER_SUBMIT" $sgebin/qstat -f -q all.q | awk -v q="all.q@$1" '$1 == q { print ($6 == "" ? "ok" : $6) }')
    [[ $states == ok ]]
  }
  for node in "${CLUSTER_NODES[@]}"; do
    in_sge "$CLUSTER_SUBMIT" $sgebin/qmod -c "all.q@$node" >/dev/null 2>&1 || true
    in_sge "$CLUSTER_SUBMIT" $sgebin/qmod -e "all.q@$node" >/dev/null 2>&1 || true
    wait_for 60 qi_ok "$node" || fail "all.q@$node is not usable: $(in_sge "$CLUSTER_SUBMIT" $sgebin/qstat -f 2>&1)"
  done
fi

# ---------------------------------------------------------------- 7. smoke
if [[ ${CLUSTER_SKIP_SMOKE:-0} != 1 ]]; then
  # One job per node, as the ordinary user, from its home on the shared tree. A fresh name each
  # time: a name this host's cache still holds from an earlier run could fail to open (README).
  for node in "${CLUSTER_NODES[@]}"; do
    mark=smoke-$node-$$-$RANDOM
    out=$(in_host "$CLUSTER_SUBMIT" runuser -u "$CLUSTER_USER" -- env SLURM_CONF="$CLUSTER_SLURM_CONF" \
      timeout 60 sbatch --wait --parsable -w "$node" -D "$CLUSTER_HOME" -o /dev/null \
      --wrap "echo \"\$(hostname) \$(id -un)\" > $mark" 2>&1) || fail "smoke job on $node: $out"
    got=$(cat "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark")
    [[ $got == "$node $CLUSTER_USER" ]] || fail "smoke job on $node wrote '$got'"
    rm -f "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark"
  done
  if [[ ${CLUSTER_SGE:-1} == 1 ]]; then
    mark=smoke-sge-$$-$RANDOM
    job=$(in_host "$CLUSTER_SUBMIT" runuser -u "$CLUSTER_USER" -- env "${SGE_ENV[@]}" \
      /usr/lib/gridengine/qsub -terse -b y -wd "$CLUSTER_HOME" -o /dev/null -e /dev/null -N cluster_up_smoke \
      "echo \$(id -un) > $mark" 2>&1) || fail "SGE smoke job: $job"
    sge_gone() { ! in_sge "$CLUSTER_SUBMIT" /usr/lib/gridengine/qstat -j "$job" >/dev/null 2>&1; }
    wait_for 60 sge_gone || fail "SGE smoke job $job did not run: $(in_sge "$CLUSTER_SUBMIT" /usr/lib/gridengine/qstat -j "$job" 2>&1)"
    wait_for 10 test -s "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark" || fail "SGE smoke job $job wrote nothing"
    [[ $(cat "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark") == "$CLUSTER_USER" ]] || fail "SGE smoke job ran as $(cat "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark")"
    rm -f "$CLUSTER_EXPORT/home/$CLUSTER_USER/$mark"
  fi
fi

echo "cluster-up: OK in $(elapsed): submit $CLUSTER_SUBMIT, nodes ${CLUSTER_NODES[*]}," \
     "user $CLUSTER_USER (home $CLUSTER_HOME), caches ${CLUSTER_CACHE_SECONDS}s;" \
     "SLURM_CONF=$CLUSTER_SLURM_CONF; started: $(join ', ' "${started[@]}")"
