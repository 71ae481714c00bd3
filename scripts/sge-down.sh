#!/usr/bin/env bash
# sge-down.sh [--purge]: delete every job, stop execd and qmaster. Safe to re-run.
#   --purge   also apt-get purge the gridengine packages (and whatever only they needed):
#             a full reset of spool, configuration and job numbers.
# Without --purge the configuration and job numbering survive for the next sge-up.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
require_root

purge=0
for a in "$@"; do
  case $a in
    --purge) purge=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) die "unknown option $a (see --help)" ;;
  esac
done

export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
BIN=/usr/lib/gridengine
QMASTER_PID=/var/spool/gridengine/qmaster/qmaster.pid
EXECD_SPOOL=/var/spool/gridengine/execd
HOST=$(hostname)
did=()

qmaster_alive() { daemon_alive "$QMASTER_PID" sge_qmaster; }
execd_pids() {
  local f
  for f in "$EXECD_SPOOL"/*/execd.pid; do
    if daemon_alive "$f" sge_execd; then pidfile_pid "$f"; fi
  done
}
execd_gone() { [[ -z $(execd_pids) ]]; }
no_jobs() { [[ -z $("$BIN/qstat" -u '*') ]]; }

if qmaster_alive; then did+=("stopped qmaster"); fi
if [[ -n $(execd_pids) ]]; then did+=("stopped execd"); fi

if qmaster_alive && "$BIN/qconf" -sh >/dev/null 2>&1; then
  # -f: also jobs whose execd is gone (they would otherwise stay in dr/dt).
  # "There are no jobs registered" comes with exit 1: not an error here.
  if ! no_jobs; then
    "$BIN/qdel" -f -u '*' >/dev/null 2>&1 || true
    wait_for 20 no_jobs || warn "jobs still listed after qdel -f"
    did+=("deleted jobs")
  fi
  # Through qmaster, so it knows the host went away on purpose. -kej kills any job left.
  if [[ -n $(execd_pids) ]]; then
    "$BIN/qconf" -kej "$HOST" >/dev/null 2>&1 || true
    wait_for 10 execd_gone || true
  fi
  # -km = controlled shutdown: writes jobseqnum, so job numbers continue after the next
  # start (after a kill -9 they restart at 1 and qacct -j N finds two jobs). Takes ~9 s.
  "$BIN/qconf" -km >/dev/null 2>&1 || true
  wait_for 30 eval '! qmaster_alive' || true
fi

# Whatever is still alive (qmaster not answering, or ignored the requests): SIGTERM,
# which both daemons also treat as a controlled shutdown, then SIGKILL. A zombie
# (PID 1 reaps late here) counts as stopped.
for pid in $(execd_pids); do stop_pid "$pid" sge_execd 10; done
if qmaster_alive; then stop_pid "$(pidfile_pid "$QMASTER_PID")" sge_qmaster 30; fi
# Pid files of dead (or zombie) daemons would only confuse the next start.
rm -f "$QMASTER_PID" "$EXECD_SPOOL"/*/execd.pid

if (( purge )); then
  mapfile -t installed < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'gridengine-*' 2>/dev/null |
                           awk '$1 != "not-installed" { print $2 }')
  if (( ${#installed[@]} )); then
    # --autoremove: also the MTA etc. that only gridengine pulled in (bsd-mailx -> exim4).
    apt_get purge --autoremove "${installed[@]}" >&2
    did+=("purged ${installed[*]}")
  fi
  rm -f /var/log/sge-daemons.out
fi

echo "sge-down: OK in $(elapsed): $(join ', ' "${did[@]}")"
