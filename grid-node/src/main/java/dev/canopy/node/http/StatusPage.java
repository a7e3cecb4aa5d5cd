package dev.canopy.node.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The status page, a single self-contained HTML file kept next to this class as {@value #RESOURCE}. */
final class StatusPage {

    static final String RESOURCE = "status.html";

    private StatusPage() {
    }

    static byte[] load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the status page " + StatusPage.class.getPackageName()
                        .replace('.', '/') + "/" + RESOURCE + " is missing from the class path: rebuild grid-node");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status page " + RESOURCE, e);
        }
    }
}
