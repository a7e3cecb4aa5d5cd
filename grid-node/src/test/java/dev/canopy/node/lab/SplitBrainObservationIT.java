package dev.canopy.node.lab;

import dev.canopy.grid.Await;
import dev.canopy.node.process.NodeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Scratch: what a 3 + 2 split of five hosts does to a job today. Prints a timeline; asserts nothing. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SplitBrainObservationIT {

    private Lab lab;
    private final long t0 = System.nanoTime();

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private void note(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, line);
    }

    @Test
    void observe() throws Exception {
        Lab.assumeFaults();
        int first = Integer.getInteger("lab.mergeFirst", 10);
        int next = Integer.getInteger("lab.mergeNext", 5);
        int tasks = Integer.getInteger("lab.tasks", 6000);
        int park = Integer.getInteger("lab.parkMicros", 20000);
        boolean onMinority = Boolean.getBoolean("lab.submitOnMinority");
        lab = Lab.create(7, Path.of("target", "it-logs"));
        List<Host> nodeHosts = lab.hosts().subList(0, 5);
        LabGrid grid = LabGrid.start(lab, nodeHosts, Map.of(), List.of(
                "-Dhazelcast.merge.first.run.delay.seconds=" + first,
                "-Dhazelcast.merge.next.run.delay.seconds=" + next));
        ClientProcess a = ClientProcess.start(lab, lab.host(6), "client-h6", grid.clientConfig());
        ClientProcess b = ClientProcess.start(lab, lab.host(7), "client-h7", grid.clientConfig());
        Await.awaitTrue("5 members", () -> a.ask("members").equals("members 5"));
        Await.awaitTrue("safe", () -> a.ask("safe").equals("safe true"));
        note("lab " + lab.id() + " ready; merge delays first " + first + " s, next " + next + " s");

        ClientProcess submitter = onMinority ? b : a;
        String id = submitter.ask("submit split " + tasks + " " + park + " 50").substring("submitted ".length());
        UUID top = Await.awaitFound("running", () -> {
            String[] p = submitter.ask("progress " + id).split(" ");
            String t = submitter.ask("topdriver " + id);
            return !t.equals("topdriver none") && Long.parseLong(p[1]) >= tasks / 10
                    ? UUID.fromString(t.substring("topdriver ".length())) : null;
        });
        int topIndex = grid.indexOf(top);
        List<Host> three = new ArrayList<>();
        List<Host> two = new ArrayList<>();
        List<Host> submitterSide = onMinority ? two : three;
        int submitterSize = onMinority ? 2 : 3;
        submitterSide.add(nodeHosts.get(topIndex)); // the top driver on the side the job was submitted on
        for (int i = 0; i < 5; i++) {
            if (i != topIndex) {
                (submitterSide.size() < submitterSize ? submitterSide : (onMinority ? three : two))
                        .add(nodeHosts.get(i));
            }
        }
        List<Host> sideA = new ArrayList<>(three);
        sideA.add(lab.host(6));
        List<Host> sideB = new ArrayList<>(two);
        sideB.add(lab.host(7));
        note("job " + id + " running, top driver node-" + nodeHosts.get(topIndex).name() + ", progress "
                + a.ask("progress " + id) + "; cutting " + sideA + " from " + sideB);
        lab.partition(sideA, sideB);
        long cut = System.nanoTime();
        while (System.nanoTime() - cut < TimeUnit.SECONDS.toNanos(30)) {
            note("A(h6): " + a.ask("members") + " | " + a.ask("result " + id + " 1", Duration.ofSeconds(1)) + " | "
                    + a.ask("jobs"));
            note("B(h7): " + b.ask("members") + " | " + b.ask("result " + id + " 1", Duration.ofSeconds(1)) + " | "
                    + b.ask("jobs"));
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
        lab.heal();
        note("healed");
        long healed = System.nanoTime();
        while (System.nanoTime() - healed < TimeUnit.SECONDS.toNanos(90)) {
            String am = a.ask("members");
            String bm = b.ask("members");
            String ar = a.ask("result " + id + " 1", Duration.ofSeconds(1));
            String br = b.ask("result " + id + " 1", Duration.ofSeconds(1));
            note("A(h6): " + am + " | " + ar + " | " + a.ask("jobs"));
            note("B(h7): " + bm + " | " + br + " | " + b.ask("jobs"));
            if (am.equals("members 5") && bm.equals("members 5") && !ar.startsWith("pending")
                    && !br.startsWith("pending") && System.nanoTime() - healed > TimeUnit.SECONDS.toNanos(20)) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
        }
        for (NodeProcess node : grid.nodes()) {
            note("--- " + node.name() + " alive " + node.isAlive());
            for (String line : Files.readAllLines(node.log())) {
                if (line.contains(id) || line.contains("Members {size") || line.contains("erg")
                        || line.contains("split") || line.contains("Split")) {
                    note("  " + (line.length() > 400 ? line.substring(0, 400) : line));
                }
            }
        }
    }
}
