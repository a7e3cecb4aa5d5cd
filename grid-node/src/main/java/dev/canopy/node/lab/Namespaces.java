package dev.canopy.node.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link Lab} needs of the machine: whether namespaces can be made here, the lab's names
 * ({@code cnp<pid>x<random>}, which name the JVM that made them), and the removal of labs whose JVM
 * is gone. Touches only namespaces whose name has a lab's form.
 */
final class Namespaces {

    private static final String PREFIX = "cnp";
    private static final Pattern A_LABS = Pattern.compile(PREFIX + "(\\d+)x[0-9a-f]{4}-\\S+");

    private static String missing;
    private static boolean checked;

    private Namespaces() {
    }

    /** A new lab's name, the prefix of its namespaces: {@code cnp<this JVM's pid>x<4 random hex digits>}. */
    static String newPrefix() {
        return PREFIX + ProcessHandle.current().pid() + "x"
                + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * What this machine lacks to make a lab, or null: checked once per JVM, by making and deleting a
     * namespace. Leftovers of dead labs are removed on the way.
     */
    static synchronized String missing() {
        if (!checked) {
            missing = findMissing();
            checked = true;
        }
        return missing;
    }

    private static String findMissing() {
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            return "it needs Linux network namespaces, and this is " + System.getProperty("os.name");
        }
        long uid = uid();
        if (uid != 0) {
            return "it needs root (ip netns), and this runs as uid " + uid;
        }
        if (Shell.tryRun(List.of("ip", "-V")).exitCode() != 0) {
            return "it needs the ip command (Debian: apt-get install iproute2)";
        }
        removeLeftovers();
        String probe = newPrefix() + "-probe";
        Shell.Result made = Shell.tryRun(List.of("ip", "netns", "add", probe));
        if (made.exitCode() != 0) {
            return "'ip netns add' fails here: " + made.output().strip();
        }
        Shell.run("ip", "netns", "delete", probe);
        return null;
    }

    /** The real user id, from /proc/self/status ({@code Uid: real effective ...}); -1 when unreadable. */
    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux as we know it: reported as not root
        }
        return -1;
    }

    /**
     * Deletes the namespaces of labs whose JVM has ended (a run killed before its teardown), after
     * killing what still runs in them. A namespace is touched only when its name has this lab's form
     * and names a pid that no longer runs.
     */
    private static void removeLeftovers() {
        Shell.Result list = Shell.tryRun(List.of("ip", "netns", "list"));
        if (list.exitCode() != 0) {
            return;
        }
        for (String line : list.output().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            Matcher m = A_LABS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                killProcessesIn(name);
                Shell.tryRun(List.of("ip", "netns", "delete", name));
            }
        }
    }

    /** Kills ({@code -9}) every process inside {@code namespace}: only a lab's own namespaces are passed here. */
    static void killProcessesIn(String namespace) {
        Shell.Result pids = Shell.tryRun(List.of("ip", "netns", "pids", namespace));
        if (pids.exitCode() != 0) {
            return;
        }
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().completeOnTimeout(p, Lab.HELPER_STOP.toMillis(), TimeUnit.MILLISECONDS).join();
                });
            }
        }
    }
}
