/**
 * Slurm on the one-machine cluster (scripts/cluster-up.sh): maps run by an ordinary user on the
 * submit host, jobs on two other hosts, the work dir on a shared tree each host sees through its
 * own caching FUSE client; then the faults (scenarios.ts). One file, so that no other map shares
 * the nodes while one is killed.
 */
import { clusterFacts, clusterFaultScenarios, clusterMapScenarios } from './scenarios.js';
import { describeCluster } from './cluster.js';

describeCluster('the one-machine Slurm cluster', () => {
  clusterFacts();
  clusterMapScenarios();
  clusterFaultScenarios();
});
