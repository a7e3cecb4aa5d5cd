package dev.canopy.node.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * One machine of a {@link Lab}: a network namespace of its own, holding a loopback and one link
 * {@code eth0} with {@link #address()} to the lab's switch. A process runs "on" it when started
 * through {@link #launcher()}.
 *
 * @param name      {@code h1}, {@code h2}, ... within its lab
 * @param namespace the network namespace's name, unique on the machine
 * @param address   its IPv4 address, in the lab's private subnet
 */
public record Host(String name, String namespace, String address) {

    /** The command that runs the command after it on this host: {@code ip netns exec <namespace>}. */
    public List<String> launcher() {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** {@code command} run on this host. */
    public List<String> command(List<String> command) {
        List<String> all = new ArrayList<>(launcher());
        all.addAll(command);
        return all;
    }

    public List<String> command(String... command) {
        return command(List.of(command));
    }

    @Override
    public String toString() {
        return name + " (" + address + ")";
    }
}
