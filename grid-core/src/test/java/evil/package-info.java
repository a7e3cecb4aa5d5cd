/**
 * Test classes of an attacker, in a package outside {@code dev.canopy.grid} so that Canopy's
 * serialization allow-list does not cover them; each leaves a mark when it is initialized.
 */
package evil;
