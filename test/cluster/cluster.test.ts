/**
 * Slurm and SGE on the one-machine cluster (scripts/cluster-up.sh): maps run by an ordinary user
 * on the submit host, jobs on two other hosts, the work dir on a shared tree each host sees
 * through its own caching FUSE client; then the faults (scenarios.ts). One file, run in order, so
 * that no other map shares the nodes while one of them is killed.
 */
import { clusterFacts, clusterFaultScenarios, clusterMapScenarios } from './scenarios.js';
import { SGE, SLURM, describeCluster } from './cluster.js';

describeCluster(SLURM, 'the one-machine cluster: the shared tree', () => {
  clusterFacts();
});

describeCluster(SLURM, 'the one-machine cluster: Slurm', () => {
  clusterMapScenarios(SLURM);
  clusterFaultScenarios(SLURM);
});

describeCluster(SGE, 'the one-machine cluster: SGE', () => {
  clusterMapScenarios(SGE);
  clusterFaultScenarios(SGE);
});
