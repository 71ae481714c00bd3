#!/usr/bin/env bash
# cluster-host-init.sh HOST: PID 1 of one cluster host (started by cluster-up.sh inside the host's
# fresh uts+mount+pid namespaces, within its network namespace). Gives the host its name, its
# hosts file and its own caching FUSE mount of the shared tree, then holds the namespaces open.
# Killing this process kills every process of the host (the kernel ends a pid namespace with it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/cluster-lib.sh
. "$here/cluster-lib.sh"
host=$1

hostname "$host"
# The cluster's names, seen only inside its hosts: the machine's /etc/hosts is left alone.
mount --bind "$CLUSTER_HOSTS_FILE" /etc/hosts
# The host's own NFS-like client of the export: the kernel caches attributes (mtime, size),
# entries and failed lookups for CLUSTER_CACHE_SECONDS, so this host may miss a file or an mtime
# that another host just wrote, as an NFS client does within acregmax/acdirmax. bindfs adds
# allow_other itself when run as root (every user reaches the tree, with the files' own modes).
mkdir -p "$CLUSTER_MOUNT"
t=$CLUSTER_CACHE_SECONDS
bindfs -o "attr_timeout=$t,entry_timeout=$t,negative_timeout=$t" "$CLUSTER_EXPORT" "$CLUSTER_MOUNT"
echo "$host: up, $CLUSTER_EXPORT on $CLUSTER_MOUNT (caches ${t}s)"
exec sleep infinity
