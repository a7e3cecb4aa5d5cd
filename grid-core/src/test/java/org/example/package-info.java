/**
 * A user's own classes, in a package outside {@code dev.canopy.grid}, so that Canopy's
 * serialization allow-list does not cover them: jobs must work with them without {@code serialAllow}.
 */
package org.example;
