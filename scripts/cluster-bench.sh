#!/usr/bin/env bash
# cluster-bench.sh: the benchmark suite (bench/run.mjs) on the one-machine cluster, as its ordinary
# user on the submit host, work dirs on the shared tree (TMPDIR there), the library installed on
# it as a site installs software on NFS. BENCH selects scenarios as for `npm run bench` (default
# P6,P2: uneven tasks, and 1,000 tasks beside Slurm's floor). Run `npm run build` first. As root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/cluster-lib.sh
. "$here/cluster-lib.sh"
require_root

install_dir=$CLUSTER_EXPORT/opt/qmr-bench
rm -rf "$install_dir"
install -d "$install_dir"
cp -r "$repo/package.json" "$repo/dist" "$repo/node_modules" "$repo/bench" "$install_dir/"
chmod -R a+rX "$CLUSTER_EXPORT/opt"
install -d -o "$CLUSTER_USER" -g "$CLUSTER_USER" "$CLUSTER_EXPORT/home/$CLUSTER_USER/bench-tmp"
# shellcheck disable=SC2046
in_host "$CLUSTER_SUBMIT" setpriv --reuid="$CLUSTER_USER" --regid="$CLUSTER_USER" --init-groups -- \
  env -C "$CLUSTER_HOME" HOME="$CLUSTER_HOME" TMPDIR="$CLUSTER_HOME/bench-tmp" \
  SLURM_CONF="$CLUSTER_SLURM_CONF" $(sge_env) BENCH="${BENCH:-P6,P2}" \
  node "$CLUSTER_MOUNT/opt/qmr-bench/bench/run.mjs"
