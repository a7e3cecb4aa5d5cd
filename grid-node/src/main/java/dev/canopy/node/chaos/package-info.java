/**
 * {@code bin/grid chaos}: {@link dev.canopy.node.chaos.ChaosCommand} (its options) and
 * {@link dev.canopy.node.chaos.Chaos} (the rounds of kills and checks), on node processes started
 * by {@link dev.canopy.node.process.NodeProcesses}. Not an API.
 */
package dev.canopy.node.chaos;
