#!/usr/bin/env bash
# slurm-down.sh [--all] [--purge-state]: cancel every job, then stop the daemons that
# slurm-up.sh started (listed in /run/slurm-up.started), by the pids in their pid files.
#   --all          also stop daemons slurm-up.sh did not start (munged, mariadbd, ...)
#   --purge-state  also wipe slurmctld's state (job ids restart at 1), the jobcomp log and
#                  the accounting database; implies stopping slurmctld, slurmd, slurmdbd.
# For a clean cluster in CI: slurm-down.sh --purge-state && slurm-up.sh. Safe to re-run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
require_root

all=0 purge=0
for a in "$@"; do
  case $a in
    --all) all=1 ;;
    --purge-state) purge=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "unknown option $a (see --help)" ;;
  esac
done

STARTED=/run/slurm-up.started
did=()
# name -> pid file, in stop order: slurmctld before slurmd (no job launch can race a
# stopping slurmd), slurmdbd after slurmctld (it takes slurmctld's last records),
# then the database, munge last (everything above authenticates through it).
ORDER=(slurmctld slurmd slurmdbd mariadbd munged)
declare -A PIDFILE=([slurmctld]=/run/slurmctld.pid [slurmd]=/run/slurmd.pid
                    [slurmdbd]=/run/slurmdbd.pid [mariadbd]=$MYSQL_PID [munged]=/run/munge/munged.pid)

alive() { daemon_alive "${PIDFILE[$1]}" "$1"; }
no_jobs() { [[ -z $(squeue -h -o %A) ]]; }
ours()  { grep -qsx "$1" "$STARTED"; }
stop() {
  if alive "$1"; then
    stop_pid "$(pidfile_pid "${PIDFILE[$1]}")" "$1" 60   # mariadbd can take a few seconds
    did+=("stopped $1")
  fi
  # Gone now (a zombie counts as gone): forget it, and drop a stale pid file.
  rm -f "${PIDFILE[$1]}"
  if [[ -f $STARTED ]]; then sed -i "/^$1\$/d" "$STARTED"; fi
}

# 1. Jobs. scancel exits 0 even for ids that are gone, so check with squeue afterwards.
if alive slurmctld && scontrol ping 2>/dev/null | grep -q 'is UP'; then
  mapfile -t jobs < <(squeue -h -o %A | sort -u)
  if (( ${#jobs[@]} )); then
    scancel "${jobs[@]}" || true
    # KillWait=2: running jobs get SIGKILL 2 s after SIGTERM.
    wait_for 20 no_jobs || warn "jobs still listed after scancel"
    did+=("cancelled ${#jobs[@]} job(s)")
  fi
fi

# 2. Daemons.
for d in "${ORDER[@]}"; do
  # State holders must be down before their state is wiped; mariadbd and munged stay
  # up for the DROP DATABASE below and are handled after it.
  if [[ $d == mariadbd || $d == munged ]]; then continue; fi
  if (( all || purge )) || ours "$d"; then stop "$d"; fi
done

# 3. State.
if (( purge )); then
  if [[ -x /usr/sbin/mariadbd && -d /var/lib/mysql/mysql ]]; then
    # Dropping needs a running server (deleting the files would leave InnoDB's
    # dictionary pointing at missing tables); start it for the moment if need be.
    temp_db=0
    if ! mariadbd_alive; then mariadbd_start || die "mariadbd did not start"; temp_db=1; fi
    mariadb --socket="$MYSQL_SOCK" -e 'DROP DATABASE IF EXISTS slurm_acct_db'
    if (( temp_db )); then stop_pid "$(pidfile_pid "$MYSQL_PID")" mariadbd 60; rm -f "$MYSQL_PID"; fi
  fi
  rm -rf /var/lib/slurm/slurmctld/* /var/lib/slurm/slurmd/*
  rm -f /var/log/slurm/jobcomp.log
  did+=("purged job state, jobcomp log, accounting DB")
fi

for d in mariadbd munged; do
  if (( all )) || ours "$d"; then stop "$d"; fi
done
if [[ -f $STARTED && ! -s $STARTED ]]; then rm -f "$STARTED"; fi

echo "slurm-down: OK in $(elapsed): $(join ', ' "${did[@]}")"
