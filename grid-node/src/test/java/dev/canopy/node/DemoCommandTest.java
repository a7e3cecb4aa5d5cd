package dev.canopy.node;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @Test
    void whenDemoRuns_thenItPrintsResultTreeOfThreeMembersAndTime() {
        // when: not a TTY, so progress comes as plain lines
        CommandRun run = CommandRun.of("demo", "--tasks", "6000", "--samples", "2000");

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        Matcher cluster = Pattern.compile("cluster '(canopy-embedded-\\w+)' of 3 nodes at (127\\.0\\.0\\.1:\\d+), "
                + "(127\\.0\\.0\\.1:\\d+), (127\\.0\\.0\\.1:\\d+)").matcher(run.out());
        assertTrue(cluster.find(), run::toString);

        Matcher result = Pattern.compile("result: pi ~ (\\d\\.\\d+) \\(error [-+]\\d\\.\\d+, within").matcher(run.out());
        assertTrue(result.find(), run::toString);
        assertEquals(Math.PI, Double.parseDouble(result.group(1)), 0.01);

        String tree = line(run, "tree:   ");
        assertTrue(tree.matches("tree:   depth \\d+, \\d+ drivers?, \\d+ leaves; leaves per member: .*"), tree);
        int leaves = Integer.parseInt(tree.replaceAll(".*, (\\d+) leaves;.*", "$1"));
        int perMember = 0;
        Matcher each = Pattern.compile("(127\\.0\\.0\\.1:\\d+) (\\d+)").matcher(tree);
        while (each.find()) {
            assertTrue(List.of(cluster.group(2), cluster.group(3), cluster.group(4)).contains(each.group(1)), tree);
            perMember += Integer.parseInt(each.group(2));
        }
        assertEquals(leaves, perMember, tree);

        assertTrue(line(run, "time:   ").matches("time:   \\S+ for 6,000 tasks .*"), run::toString);
        assertTrue(line(run, "pi 100%").contains("6,000/6,000 tasks"), run::toString);
        assertTrue(run.out().contains("canopy demo: nodes closed"), run::toString);
        assertFalse(run.out().contains("\r"), "no redrawn bar when not a TTY");
    }

    @Test
    void whenDemoIsQuiet_thenNoProgressLines() {
        CommandRun run = CommandRun.of("demo", "--quiet", "--tasks", "2000", "--samples", "1000");

        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("result: pi ~ "), run::toString);
        assertTrue(run.outLines().stream().noneMatch(l -> l.startsWith("pi ") && l.contains("%")), run::toString);
    }

    private static String line(CommandRun run, String prefix) {
        return run.outLines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + run));
    }
}
