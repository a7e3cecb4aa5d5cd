/**
 * Code shipping: the class-path entries a job carries to members that lack them. A submitter scans a
 * job for the jars and class folders it needs ({@link dev.canopy.grid.internal.code.CodeScanner}); each
 * entry travels as a jar named by its SHA-256 ({@link dev.canopy.grid.internal.code.CodeEntry}), and a
 * job's entries, in class-path order, form its {@link dev.canopy.grid.internal.code.CodeSet}.
 *
 * <p>Not API. Depends on the JDK only, and on the API package's names to recognise what every node has.
 */
package dev.canopy.grid.internal.code;
