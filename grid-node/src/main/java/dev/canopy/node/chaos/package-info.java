/**
 * {@code bin/grid chaos}: {@link dev.canopy.node.chaos.ChaosCommand} (its options),
 * {@link dev.canopy.node.chaos.Chaos} (the job rounds of kills and checks) and
 * {@link dev.canopy.node.chaos.GraphChaos} (the graph rounds, each killing a graph's driver mid-graph),
 * on node processes started by {@link dev.canopy.node.process.NodeProcesses}. Not an API.
 */
package dev.canopy.node.chaos;
