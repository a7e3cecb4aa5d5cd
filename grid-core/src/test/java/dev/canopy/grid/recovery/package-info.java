/**
 * Recovery tests: in-JVM clusters in which members die, join, are slow or leave mid-job, and the
 * helpers they share (a reducer that proves each task was counted exactly once, a probe of task
 * runs, a base class on {@link dev.canopy.grid.TestCluster} that finds a job's
 * roles in its records). Not API.
 */
package dev.canopy.grid.recovery;
