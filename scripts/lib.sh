# shellcheck shell=bash
# Helpers shared by the scheduler bring-up scripts (sge-*.sh, slurm-*.sh).
# Source it; it does not change anything by itself.
#
# Why these helpers exist: the test machines have no systemd (PID 1 is not an init),
# so the scripts start daemons themselves, decide liveness from /proc (PID 1 reaps
# late here, so a killed daemon can linger as a zombie that still "has" its pid),
# and install packages non-interactively while no service may start on its own.

LIB_T0=${EPOCHREALTIME/./}          # microseconds, for "took N s" in logs and summaries
LIB_NAME=${0##*/}

log()  { printf '[%s +%s] %s\n' "$LIB_NAME" "$(elapsed)" "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

# Seconds since the script started, one decimal ("12.3s").
elapsed() {
  local us=$(( ${EPOCHREALTIME/./} - LIB_T0 ))
  printf '%d.%ds' $((us / 1000000)) $((us / 100000 % 10))
}

# quiet CMD...: run CMD, show its output only if it fails (qconf reports success on stderr).
quiet() {
  local out
  out=$("$@" 2>&1) && return 0
  printf '%s\n' "$out" >&2
  return 1
}

# join SEP ITEM...: the items separated by SEP, or "none" (for the summary lines).
join() {
  local sep=$1 out='' i
  shift
  for i in "$@"; do out+=${out:+$sep}$i; done
  printf '%s' "${out:-none}"
}

require_root() { [[ $EUID -eq 0 ]] || die "run as root (installs packages, starts daemons)"; }

# --- exit hooks: several helpers need clean-up on exit; keep one trap for all of them.
LIB_EXIT_HOOKS=()
_lib_on_exit() { local h; for h in "${LIB_EXIT_HOOKS[@]}"; do eval "$h" || true; done; }
at_exit() {
  LIB_EXIT_HOOKS+=("$1")
  trap _lib_on_exit EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM     # so that the EXIT hooks run on Ctrl-C/kill too
}

# --- waiting -------------------------------------------------------------------------
# wait_for SECONDS CMD [ARGS...]: run CMD every 0.2 s until it succeeds (0) or time is up (1).
# Output of CMD is discarded: it is a probe.
wait_for() {
  local limit_us=$(( $1 * 1000000 )) start=${EPOCHREALTIME/./}
  shift
  until "$@" >/dev/null 2>&1; do
    (( ${EPOCHREALTIME/./} - start < limit_us )) || return 1
    sleep 0.2
  done
}

# --- processes -------------------------------------------------------------------------
# pid_alive PID: the process exists and is not a zombie/dead (State Z or X in
# /proc/PID/status). kill -0 is not enough: it succeeds for zombies.
pid_alive() {
  local state
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  state=$(awk '$1 == "State:" { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# pidfile_pid FILE: print the pid stored in FILE (fails if absent or garbage).
pidfile_pid() {
  local pid=''
  [[ -r $1 ]] || return 1
  read -r pid <"$1" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# daemon_alive PIDFILE COMM: the pid in PIDFILE is alive AND is the expected program
# (guards against a stale pid file whose number was reused by something else).
daemon_alive() {
  local pid comm
  pid=$(pidfile_pid "$1") || return 1
  pid_alive "$pid" || return 1
  comm=$(<"/proc/$pid/comm") 2>/dev/null || return 1
  [[ $comm == "${2:0:15}" ]]
}

# stop_pid PID NAME [SECONDS]: SIGTERM, wait (zombie counts as gone), then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 secs=${3:-20}
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "$secs" eval "! pid_alive $pid"; then
    warn "$name (pid $pid) ignored SIGTERM for ${secs}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 5 eval "! pid_alive $pid" || die "$name (pid $pid) does not die"
  fi
}

# start_daemon LOGFILE CMD [ARGS...]: start a self-forking daemon in its own session
# (so a CI step that kills its process group, or a pipe the caller reads, is not tied
# to it). stdout/stderr go to LOGFILE, never to the caller's pipe: a daemon holding
# the caller's stdout open would make `script | tee` hang forever.
start_daemon() {
  local logfile=$1; shift
  setsid --wait "$@" </dev/null >>"$logfile" 2>&1
}

# spawn_daemon LOGFILE CMD [ARGS...]: same for a program that stays in the foreground.
spawn_daemon() {
  local logfile=$1; shift
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  disown
}

# tail_logs FILE...: print the end of each existing log to stderr (for failure reports).
tail_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 30 "$f" >&2
  done
}

# --- packages --------------------------------------------------------------------------
# pkgs_missing PKG...: print the packages that are not fully installed.
pkgs_missing() {
  local p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || printf '%s\n' "$p"
  done
}

# Maintainer scripts call invoke-rc.d to start services. If the machine has no
# policy-rc.d, put one in place that denies (exit 101) for the duration of the install:
# these scripts start the daemons themselves, with their own options, and an exim4
# (pulled in by gridengine via bsd-mailx) or mariadb started by a postinst is unwanted.
_lib_policy_rc_d() {
  local f=/usr/sbin/policy-rc.d
  [[ -e $f ]] && return 0
  printf '#!/bin/sh\n# temporary, from %s: no service starts during apt-get\nexit 101\n' "$LIB_NAME" >"$f"
  chmod 755 "$f"
  LIB_TEMP_POLICY=$f
  at_exit _lib_policy_rc_d_done             # also when apt-get fails and set -e exits
}
_lib_policy_rc_d_done() {
  if [[ -n ${LIB_TEMP_POLICY:-} ]]; then rm -f "$LIB_TEMP_POLICY"; fi
  LIB_TEMP_POLICY=
}

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# apt_install PKG...: install those not yet installed; sets APT_INSTALLED to them.
# apt-get update only when there are no package lists yet, or when the install fails
# (stale lists after a point release give 404s). --no-remove: with -y, apt silently
# removes a conflicting package (gridengine-client vs slurm-wlm-torque did exactly that);
# better to stop and say so.
APT_INSTALLED=()
apt_install() {
  mapfile -t APT_INSTALLED < <(pkgs_missing "$@")
  (( ${#APT_INSTALLED[@]} )) || return 0
  log "installing: ${APT_INSTALLED[*]}"
  _lib_policy_rc_d
  compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null || apt_get update >&2
  if ! apt_get install --no-install-recommends --no-remove "${APT_INSTALLED[@]}" >&2; then
    log "install failed; refreshing package lists and retrying once"
    apt_get update >&2
    apt_get install --no-install-recommends --no-remove "${APT_INSTALLED[@]}" >&2
  fi
  _lib_policy_rc_d_done
}

# --- MariaDB for slurmdbd (used by slurm-up.sh, and by slurm-down.sh --purge-state) ------
MYSQL_PID=/run/mysqld/mysqld.pid
MYSQL_SOCK=/run/mysqld/mysqld.sock
mariadbd_alive() { daemon_alive "$MYSQL_PID" mariadbd; }
# mariadbd_start: start it (not via its init script: no systemd, and policy-rc.d denies)
# and wait until it answers.
mariadbd_start() {
  local logdir=/var/log/slurm
  install -d -o mysql -g mysql /run/mysqld
  install -d -o slurm -g slurm "$logdir"
  # Its log sits with Slurm's (failure reports tail them together); mariadbd runs as mysql.
  [[ -e $logdir/mariadbd.log ]] || install -m 640 -o mysql -g mysql /dev/null "$logdir/mariadbd.log"
  [[ -d /var/lib/mysql/mysql ]] ||       # normally done by the mariadb-server postinst
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >>"$logdir/daemons.out" 2>&1
  # Loopback only. The two innodb options silence slurmdbd's warning about
  # "not recommended" database settings.
  spawn_daemon "$logdir/daemons.out" /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql \
    --bind-address=127.0.0.1 --pid-file="$MYSQL_PID" --socket="$MYSQL_SOCK" \
    --log-error="$logdir/mariadbd.log" \
    --innodb-buffer-pool-size=512M --innodb-lock-wait-timeout=900
  wait_for 60 mariadb --socket="$MYSQL_SOCK" -e 'SELECT 1'
}

# --- configuration both the single-host schedulers and the one-machine cluster write ---

# An SGE cluster queue (qconf -Aq input) named $1 with $2 slots per host on @allhosts, every
# limit INFINITY. Why the values that differ from the template: see the queue comment in sge-up.sh.
sge_queue_conf() {
  local name=$1 slots=$2 l
  printf '%-21s %s\n' qname "$name" hostlist @allhosts seq_no 0 load_thresholds NONE \
    suspend_thresholds NONE nsuspend 1 suspend_interval 00:05:00 priority 0 \
    min_cpu_interval 00:05:00 processors UNDEFINED qtype "BATCH INTERACTIVE" ckpt_list NONE \
    pe_list NONE rerun FALSE slots "$slots" tmpdir /tmp shell /bin/sh prolog NONE \
    epilog NONE shell_start_mode unix_behavior starter_method NONE suspend_method NONE \
    resume_method NONE terminate_method NONE notify 00:00:60 owner_list NONE user_lists NONE \
    xuser_lists NONE subordinate_list NONE complex_values NONE projects NONE xprojects NONE \
    calendar NONE initial_state default
  for l in s_rt h_rt s_cpu h_cpu s_fsize h_fsize s_data h_data s_stack h_stack s_core h_core \
           s_rss h_rss s_vmem h_vmem; do printf '%-21s INFINITY\n' "$l"; done
}

# The slurm.conf lines on job limits and scheduling that the single-host Slurm and the cluster share.
slurm_scheduling_conf() {
  cat <<'CONF'
# Defaults 10000 (finished jobs in memory count too) and 1001 (highest index 1000).
MaxJobCount=100000
MaxArraySize=10001
# Impossible requests (sbatch -c 64 on 2 CPUs) fail at submit instead of pending for ever.
EnforcePartLimits=ALL
SchedulerType=sched/backfill
# Default batch_sched_delay=3 lets a batch job wait up to 3 s: submit->done 3 s -> ~1 s.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
# Jobs share a node by core and memory (DefMemPerCPU, set by each caller, is a job's default).
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
CONF
}
