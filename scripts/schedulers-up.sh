#!/usr/bin/env bash
# schedulers-up.sh: both real schedulers on this machine for the integration tests:
# Son of Grid Engine (sge-up.sh) and Slurm with its PBS wrappers (slurm-up.sh).
# Their knobs (SGE_*, SLURM_*) pass through. Safe to re-run.
#
# They coexist: /usr/bin/qsub|qstat|qdel = Grid Engine (package gridengine-client),
# /opt/slurm-torque/bin/qsub|qstat|qdel = Slurm's PBS wrappers (unpacked, not installed,
# because slurm-wlm-torque Conflicts with gridengine-client).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
require_root

# SGE first: its install must not meet a slurm-wlm-torque package (there is none).
sge=$("$here/sge-up.sh")
slurm=$("$here/slurm-up.sh")

# Prove the two qsubs are still who they should be.
[[ $(readlink -f /usr/bin/qsub) == /usr/share/gridengine/gridengine-wrapper ]] ||
  die "/usr/bin/qsub is not Grid Engine's ($(readlink -f /usr/bin/qsub))"
torque=${SLURM_TORQUE_DIR:-/opt/slurm-torque/bin}
grep -q 'Slurm' "$torque/qsub" || die "$torque/qsub is not Slurm's PBS wrapper"

cat <<EOF
$sge
$slurm
schedulers-up: OK in $(elapsed)
  SGE:   /usr/bin/qsub (real binaries: SGE_ROOT=/var/lib/gridengine SGE_CELL=default /usr/lib/gridengine/qsub)
  Slurm: sbatch/squeue/sacct in /usr/bin; PBS wrappers: $torque/qsub
EOF
