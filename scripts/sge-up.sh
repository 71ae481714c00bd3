#!/usr/bin/env bash
# sge-up.sh: a one-node Son of Grid Engine 8.1.9 cluster on this machine, ready for the
# integration tests. Installs what is missing, configures, starts qmaster and execd
# (no systemd needed), repairs the queue if tests left it disabled/in error/suspended,
# and proves it works by running a trivial job. Safe to re-run (then ~3 s, nothing changes).
#
# Knobs (environment):
#   SGE_SLOTS          slots of the queue (default: nproc)
#   SGE_QUEUE          queue name (default: all.q)
#   SGE_SKIP_SMOKE=1   skip the test job
#   SGE_SMOKE_TIMEOUT  seconds the test job may take (default: 60)
# Facts behind every choice: shared/queues/sge/NOTES.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
require_root

SGE_SLOTS=${SGE_SLOTS:-$(nproc)}
SGE_QUEUE=${SGE_QUEUE:-all.q}
SGE_SKIP_SMOKE=${SGE_SKIP_SMOKE:-0}
SGE_SMOKE_TIMEOUT=${SGE_SMOKE_TIMEOUT:-60}

# SGE_ROOT is not configurable on Debian: the postinsts hard-code it.
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
COMMON=$SGE_ROOT/$SGE_CELL/common
BIN=/usr/lib/gridengine            # real binaries: ~8 ms a call vs ~70 ms for /usr/bin wrappers
QMASTER_PID=/var/spool/gridengine/qmaster/qmaster.pid
QMASTER_LOG=/var/spool/gridengine/qmaster/messages
EXECD_SPOOL=/var/spool/gridengine/execd   # execd writes into <its host name>/ below this
DAEMON_OUT=/var/log/sge-daemons.out       # whatever the daemons print before they detach
HOST=$(hostname)

did=()                                    # what this run changed, for the summary line
qconf() { "$BIN/qconf" "$@"; }
qmod()  { "$BIN/qmod" "$@"; }
qstat() { "$BIN/qstat" "$@"; }

fail() {
  log "ERROR: $*"
  qstat -f -u '*' >&2 2>/dev/null || true
  tail_logs "$QMASTER_LOG" "$EXECD_SPOOL"/*/messages /tmp/qmaster_messages* /tmp/execd_messages* "$DAEMON_OUT"
  exit 1
}

# ---------------------------------------------------------------- 1. name resolution
# SGE needs the host name to resolve; on this image it does (127.0.0.1 vm). If not,
# give it the usual Debian loopback alias rather than failing later with commlib errors.
if ! getent hosts "$HOST" >/dev/null; then
  echo "127.0.1.1 $HOST" >>/etc/hosts
  did+=("added $HOST to /etc/hosts")
fi

# ---------------------------------------------------------------- 2. packages
# netbase: /etc/services holds sge_qmaster 6444 / sge_execd 6445; without it every
# daemon and client would need SGE_QMASTER_PORT/SGE_EXECD_PORT.
PKGS=(gridengine-master gridengine-exec gridengine-client netbase)
if [[ -n $(pkgs_missing "${PKGS[@]}") ]]; then
  # The three questions are shared/ templates. gridengineconfig=true makes the master
  # postinst create the cluster (init_cluster) and the exec postinst write act_qmaster.
  debconf-set-selections <<EOF
gridengine-common shared/gridengineconfig boolean true
gridengine-common shared/gridenginecell string $SGE_CELL
gridengine-common shared/gridenginemaster string $HOST
EOF
  apt_install "${PKGS[@]}"
  did+=("installed ${APT_INSTALLED[*]}")
fi
[[ -f $COMMON/bootstrap ]] ||
  die "$COMMON/bootstrap missing: the cluster was never created (re-install: sge-down.sh --purge)"

# ---------------------------------------------------------------- 3. host_aliases
# The trap: /etc/hosts maps 127.0.0.1 to localhost first, so our own IP reverse-resolves
# to "localhost" while clients claim "vm", and commlib refuses every connection
# ("access denied (client IP resolved to host name localhost ...)"). SGE's own fix,
# touching no system file: host_aliases "vm localhost" (first name wins). Worked out
# with SGE's resolver tools, so it matches whatever this machine's hosts file says.
restart=0
name=$("$BIN/gethostname" -name)
ip=$("$BIN/gethostbyname" "$name" | awk '/^Host Address/ { print $3; exit }')   # "Host Address(es): IP ..."
[[ -n $ip ]] || fail "SGE cannot resolve its own host name '$name'"
rev=$("$BIN/gethostbyaddr" -name "$ip" || true)
if [[ -n $rev && $rev != "$name" ]]; then
  want="$name $rev"
  if [[ ! -f $COMMON/host_aliases || $(<"$COMMON/host_aliases") != "$want" ]]; then
    echo "$want" >"$COMMON/host_aliases"
    did+=("host_aliases: $want")
    restart=1                     # daemons read host_aliases only when they start
  fi
fi

# ---------------------------------------------------------------- 4. qmaster
qmaster_alive() { daemon_alive "$QMASTER_PID" sge_qmaster; }
execd_alive() {
  local f
  for f in "$EXECD_SPOOL"/*/execd.pid; do daemon_alive "$f" sge_execd && return 0; done
  return 1
}
stop_execd() {
  local f
  for f in "$EXECD_SPOOL"/*/execd.pid; do
    daemon_alive "$f" sge_execd && stop_pid "$(pidfile_pid "$f")" sge_execd 10
  done
  return 0
}

if (( restart )); then
  stop_execd
  # qconf -km is the controlled shutdown: it saves jobseqnum, so job ids go on counting.
  if qmaster_alive; then
    qconf -km >/dev/null 2>&1 || true
    wait_for 30 eval '! qmaster_alive' || stop_pid "$(pidfile_pid "$QMASTER_PID")" sge_qmaster 10
  fi
fi

started=()
if ! qmaster_alive; then
  # A pid file left by a killed (possibly zombie) qmaster must not make it think it runs.
  rm -f "$QMASTER_PID"
  start_daemon "$DAEMON_OUT" /usr/sbin/sge_qmaster || true   # wrapper: sets env, forks, drops to sgeadmin
  wait_for 30 qmaster_alive || fail "sge_qmaster did not start"
  started+=(qmaster)
fi
wait_for 30 qconf -sh || fail "sge_qmaster does not answer qconf"

# ---------------------------------------------------------------- 5. configuration
tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

# attr VALUE-OF: value of attribute $1 in qconf-style text on stdin (continuation lines joined).
attr() { sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'; }

# Global configuration.
#  min_uid/min_gid 0: with the installed 1000, root cannot submit at all, and CI runs as root.
#  accounting_flush_time=00:00:00: qacct sees a job as soon as it leaves qstat (else 3-15 s later).
gconf=$(qconf -sconf global)
reporting=$(attr reporting_params <<<"$gconf")
if [[ $(attr min_uid <<<"$gconf") != 0 || $(attr min_gid <<<"$gconf") != 0 ||
      " $reporting " != *" accounting_flush_time=00:00:00 "* ]]; then
  reporting=$(sed -E 's/ *accounting_flush_time=[^ ]*//' <<<"$reporting")
  reporting=$(tr -s ' ' <<<"$reporting accounting_flush_time=00:00:00")
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' <<<"$gconf" | awk -v rp="$reporting" '
      $1 == "min_uid" || $1 == "min_gid" { printf "%-28s 0\n", $1; next }
      $1 == "reporting_params"           { printf "%-28s %s\n", $1, rp; next }
      { print }' >"$tmp/global"          # qconf -Mconf wants the file named after the config
  quiet qconf -Mconf "$tmp/global"
  did+=("global config: min_uid/min_gid 0, accounting_flush_time 0")
fi

# Scheduler: a run every second plus one right after each submit and each job end;
# qsub -> running drops from 5-14 s (installed 0:0:15, no flush) to ~0.2 s.
sconf=$(qconf -ssconf)
if [[ $(attr schedule_interval <<<"$sconf") != 0:0:1 || $(attr flush_submit_sec <<<"$sconf") != 1 ||
      $(attr flush_finish_sec <<<"$sconf") != 1 ]]; then
  awk '$1 == "schedule_interval" { printf "%-33s 0:0:1\n", $1; next }
       $1 == "flush_submit_sec" || $1 == "flush_finish_sec" { printf "%-33s 1\n", $1; next }
       { print }' <<<"$sconf" >"$tmp/sconf"
  quiet qconf -Msconf "$tmp/sconf"
  did+=("scheduler: interval 1 s, flush 1/1")
fi

# This host submits jobs and runs them (it is already an admin host as the master).
if ! qconf -ss 2>/dev/null | grep -qx "$HOST"; then
  quiet qconf -as "$HOST"
  did+=("submit host $HOST")
fi
if ! qconf -se "$HOST" >/dev/null 2>&1; then
  printf '%-21s %s\n' hostname "$HOST" load_scaling NONE complex_values NONE user_lists NONE \
    xuser_lists NONE projects NONE xprojects NONE usage_scaling NONE report_variables NONE >"$tmp/exechost"
  quiet qconf -Ae "$tmp/exechost"
  did+=("exec host $HOST")
fi
if ! qconf -shgrp @allhosts >/dev/null 2>&1; then
  printf 'group_name @allhosts\nhostlist %s\n' "$HOST" >"$tmp/allhosts"
  quiet qconf -Ahgrp "$tmp/allhosts"
  did+=("host group @allhosts")
elif ! qconf -shgrp @allhosts | attr hostlist | tr ' ' '\n' | grep -qx "$HOST"; then
  quiet qconf -aattr hostgroup hostlist "$HOST" @allhosts
  did+=("$HOST into @allhosts")
fi

# The queue. Why each value:
#  slots = nproc           one job per core
#  load_thresholds NONE    the template's np_load_avg=1.75 puts a busy 2-core CI box in alarm (a)
#  pe_list NONE            the template names PEs (make smp mpi) that do not exist
#  shell_start_mode unix_behavior  honour the script's #! line (posix_compliant runs
#                          everything with /bin/sh: a bash script using [[ fails)
declare -A QATTR=([hostlist]=@allhosts [slots]=$SGE_SLOTS [load_thresholds]=NONE
                  [pe_list]=NONE [shell_start_mode]=unix_behavior)
if ! qconf -sq "$SGE_QUEUE" >/dev/null 2>&1; then
  sge_queue_conf "$SGE_QUEUE" "$SGE_SLOTS" >"$tmp/queue"
  quiet qconf -Aq "$tmp/queue"
  did+=("queue $SGE_QUEUE")
else
  qdef=$(qconf -sq "$SGE_QUEUE")
  for a in "${!QATTR[@]}"; do
    if [[ $(attr "$a" <<<"$qdef") != "${QATTR[$a]}" ]]; then
      quiet qconf -rattr queue "$a" "${QATTR[$a]}" "$SGE_QUEUE"
      did+=("$SGE_QUEUE $a=${QATTR[$a]}")
    fi
  done
fi

# ---------------------------------------------------------------- 6. execd
# Checked on its own: an execd can die silently while qmaster runs on, and then jobs
# hang in state t for ever (NOTES, "a dead execd").
if ! execd_alive; then
  rm -f "$EXECD_SPOOL"/*/execd.pid        # stale, or left by a zombie
  start_daemon "$DAEMON_OUT" /usr/sbin/sge_execd || true   # stays root: starts jobs as their owners
  wait_for 30 execd_alive || fail "sge_execd did not start"
  started+=(execd)
fi

# ---------------------------------------------------------------- 7. queue state
# Queue instance states (qstat -f, 6th column): u = execd not reporting yet (first load
# report ~2 s after start), d = disabled, E = error, s/S = suspended. Tests may leave
# d/E/s behind; put the queue back into service.
qstates() { qstat -f -q "$SGE_QUEUE" | awk -v q="$SGE_QUEUE@" 'index($1, q) == 1 { print $6; exit }'; }
qi_known() { [[ -n $(qstat -f -q "$SGE_QUEUE" | awk -v q="$SGE_QUEUE@" 'index($1, q) == 1') && $(qstates) != *u* ]]; }
wait_for 40 qi_known || fail "execd does not report to qmaster (queue instance stays in state u)"
st=$(qstates)
if [[ $st == *d* ]]; then quiet qmod -e "$SGE_QUEUE"; did+=("enabled $SGE_QUEUE"); fi
if [[ $st == *E* ]]; then quiet qmod -c "$SGE_QUEUE"; did+=("cleared error on $SGE_QUEUE"); fi
if [[ $st == *[sS]* ]]; then quiet qmod -us "$SGE_QUEUE"; did+=("unsuspended $SGE_QUEUE"); fi

# ---------------------------------------------------------------- 8. smoke job
# Through the user-facing /usr/bin/qsub, as the library will call it. Not -sync y: on a
# timeout that would delete the job and with it the scheduler's reason why it never ran.
# The qacct check also proves accounting_flush_time=0 (the record is there at once).
if [[ $SGE_SKIP_SMOKE != 1 ]]; then
  job=$(/usr/bin/qsub -terse -b y -wd / -o /dev/null -e /dev/null -q "$SGE_QUEUE" -N sge_up_smoke true 2>&1) ||
    fail "qsub failed: $job"
  job_gone() { ! qstat -j "$job" >/dev/null 2>&1; }
  if ! wait_for "$SGE_SMOKE_TIMEOUT" job_gone; then
    qstat -j "$job" >&2 || true             # includes the scheduler's "cannot run" reasons
    "$BIN/qdel" -f "$job" >/dev/null 2>&1 || true
    fail "smoke job $job did not run within ${SGE_SMOKE_TIMEOUT}s"
  fi
  smoke_ok() { "$BIN/qacct" -j "$job" | grep -Eq '^exit_status +0 *$'; }
  wait_for 10 smoke_ok || fail "smoke job $job: no accounting record with exit_status 0: $("$BIN/qacct" -j "$job" 2>&1)"
fi

echo "sge-up: OK in $(elapsed): queue $SGE_QUEUE@$HOST slots=$SGE_SLOTS smoke=${job:-skipped};" \
     "started: $(join ', ' "${started[@]}"); changed: $(join ', ' "${did[@]}")"
