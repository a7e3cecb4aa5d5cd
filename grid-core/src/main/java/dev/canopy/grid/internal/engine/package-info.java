/**
 * The member-only engine: {@link dev.canopy.grid.internal.engine.Engine} builds its parts and
 * routes membership events and messages to them. Drivers ({@code DriverRun} around the pure
 * {@code DriverState}) split, delegate, recover and combine; leaves ({@code LeafRun}) run tasks on
 * the {@code WorkerPool}; {@code Commits} make outcomes durable before they are reported;
 * {@code Verdicts} end jobs; {@code JobLifecycle} starts and takes over jobs; {@code HandOver}
 * steals work and hands it over on leave; {@code Watchdog} is the once-a-second housekeeping.
 *
 * <p>Not API. Threads: {@code canopy.control} executor threads (messages), the driver pool
 * (delegations, reports, reconciles), the workers (leaves), one timer (watchdog, retries,
 * timeouts). Depends on every other internal package; nothing depends on it but the API's
 * {@code GridNode} and the SPI.
 */
package dev.canopy.grid.internal.engine;
