/**
 * The durable schema: the records Canopy keeps in Hazelcast maps
 * ({@link dev.canopy.grid.internal.store.GridMaps} names them), their keys, the
 * {@link dev.canopy.grid.internal.store.Piece}s of a committed outcome, the entry processors that
 * change a record only when the caller's view of it (attempt, assignee, state) still holds
 * ({@link dev.canopy.grid.internal.store.Processors}), the serializers of the hottest records, and
 * how readers skip entries that are not Canopy's ({@link dev.canopy.grid.internal.store.ForeignEntries}).
 *
 * <p>Not API. Records are immutable; entry processors run on the partition thread of their key's
 * owner, on members only. Shared by members and clients. Depends on {@code spec}.
 */
package dev.canopy.grid.internal.store;
