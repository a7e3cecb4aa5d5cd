package dev.canopy.grid.internal.access;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.code.CodeScanner;
import dev.canopy.grid.internal.code.CodeStore;
import dev.canopy.grid.internal.code.ShippedCode;
import dev.canopy.grid.internal.code.ShippedSpec;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.JobSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ships a job's code at submit, on a node or a client: finds the class-path entries its classes
 * need ({@link CodeScanner}), uploads those the grid lacks ({@link CodeStore}: code already there,
 * from this job or any other, is not sent again), and wraps the spec's bytes with the code set
 * ({@link ShippedSpec}), so the members that run the job load it from the grid, whoever submitted
 * it and whether or not the submitter is still there. A job whose classes every node has (the JDK's,
 * Canopy's) ships nothing and travels as before.
 */
final class CodeShipper {

    private static final Logger LOG = LoggerFactory.getLogger(CodeShipper.class);

    private final boolean enabled;
    private final List<Path> extra;
    private final CodeScanner scanner = new CodeScanner();
    private final CodeStore store;
    private final AtomicLong uploaded = new AtomicLong();

    CodeShipper(HazelcastInstance hz, boolean enabled, List<String> codePaths) {
        this.enabled = enabled;
        this.extra = codePaths.stream().map(Path::of).toList();
        this.store = new CodeStore(hz);
    }

    /** The spec's bytes as they travel: wrapped with its code set when the job ships code. */
    byte[] ship(JobSpec<?, ?> spec, byte[] specBytes) {
        return ship(spec, loaderOf(spec), "Job '" + spec.name() + "'", specBytes);
    }

    /**
     * The bytes of {@code root} (a job's or a graph's spec, whose own classes {@code loader} loads) as
     * they travel: wrapped with its code set when it ships code. {@code what} names it in the log.
     */
    byte[] ship(Object root, ClassLoader loader, String what, byte[] specBytes) {
        if (!enabled) {
            return specBytes;
        }
        ShippedCode code = scanner.scan(root, loader, extra);
        if (code.isEmpty()) {
            return specBytes;
        }
        Map<String, byte[]> bytes = new HashMap<>();
        for (ShippedCode.Entry e : code.entries()) {
            bytes.put(e.entry().sha256(), e.bytes());
        }
        long sent = store.upload(code.codeSet(), entry -> new ByteArrayInputStream(bytes.get(entry.sha256())));
        uploaded.addAndGet(sent);
        if (sent > 0) {
            // once per new build of the code: later jobs of the same code upload nothing
            LOG.info("{} ships {} code entries; {} bytes of them were new to the grid and uploaded",
                    what, code.entries().size(), sent);
        } else {
            LOG.debug("{} ships {} code entries, all in the grid already", what, code.entries().size());
        }
        return Codec.serialize(new ShippedSpec(code.codeSet(), specBytes), what);
    }

    /** Code bytes this submitter uploaded so far. */
    long uploadedBytes() {
        return uploaded.get();
    }

    /** The loader of the job's own classes ({@link JobSpec#loader}). */
    static ClassLoader loaderOf(JobSpec<?, ?> spec) {
        return spec.loader();
    }
}
