package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canopy.grid.Await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol, with the JDK's
 * own WebSocket: for what {@code --dump-dom} cannot do, such as answering the page's
 * {@code prompt} and {@code confirm} dialogs. Every dialog is answered at once, by the answer set
 * with {@link #answerDialogs}; every wait is bounded by {@link Await#WAIT}.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Await.WAIT;

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Listener listener;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** The message of every dialog the page opened, in order. */
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private volatile String promptAnswer;

    private HeadlessChromium(Process process, Path profile, WebSocket socket, Listener listener) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        this.listener = listener;
    }

    /** Starts Chromium on a blank page and attaches to it; fails the test when {@link #CHROMIUM} is missing. */
    static HeadlessChromium start() throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the status page is tested in headless Chromium from the Debian package "
                    + "chromium, which .ci/run installs (apt-get install -y chromium)");
        }
        Path profile = Files.createTempDirectory("canopy-cdp-");
        Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--mute-audio", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectOutput(profile.resolve("out.txt").toFile())
                .redirectError(profile.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            // Chromium writes the port it picked, then the browser's path, to this file
            Path portFile = profile.resolve("DevToolsActivePort");
            int port = Await.awaitFound("Chromium to write " + portFile, () -> {
                try {
                    List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
                    return lines.size() >= 2 ? Integer.valueOf(lines.get(0).strip()) : null;
                } catch (IOException | NumberFormatException e) {
                    return null;
                }
            });
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String page = Await.awaitFound("Chromium's blank page to be listed", () -> {
                try {
                    HttpResponse<String> list = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(Duration.ofSeconds(5))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    for (JsonNode target : JSON.readTree(list.body())) {
                        if (target.path("type").asText().equals("page")) {
                            return target.get("webSocketDebuggerUrl").asText();
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            });
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(page), listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, profile, socket, listener);
            listener.owner = chromium;
            chromium.call("Page.enable", JSON.createObjectNode());
            chromium.call("Runtime.enable", JSON.createObjectNode());
            return chromium;
        } catch (ExecutionException | TimeoutException | RuntimeException | Error e) {
            stop(process);
            deleteRecursively(profile);
            throw new AssertionError("cannot drive Chromium: " + e + "; it printed:\n"
                    + readQuietly(profile.resolve("err.txt")), e);
        }
    }

    /** From now on, a {@code prompt} is answered with {@code text}; a {@code confirm} is always accepted. */
    void answerDialogs(String text) {
        this.promptAnswer = text;
    }

    List<String> dialogs() {
        return List.copyOf(dialogs);
    }

    /** Opens {@code uri} and waits until it has loaded. */
    void open(URI uri) {
        ObjectNode params = JSON.createObjectNode().put("url", uri.toString());
        call("Page.navigate", params);
        Await.awaitTrue("the page at " + uri + " to load",
                () -> "complete".equals(evaluate("document.readyState").asText()));
    }

    /** The value of {@code expression} in the page, waiting for it when it is a promise. */
    JsonNode evaluate(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("the page could not evaluate " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * Runs {@code statement} in the page without waiting for it: a click that opens a dialog blocks
     * the page until the dialog is answered, which happens on the socket's thread.
     */
    void run(String statement) {
        send("Runtime.evaluate", JSON.createObjectNode().put("expression", statement));
    }

    private JsonNode call(String method, ObjectNode params) {
        try {
            return send(method, params).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Chromium did not answer " + method + " within " + WAIT + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private CompletableFuture<JsonNode> send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        synchronized (socket) {
            // one message at a time: the JDK's WebSocket refuses a send while another is under way
            socket.sendText(message.toString(), true).join();
        }
        return answer;
    }

    private void received(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message.has("error") ? message.get("error") : message.path("result"));
            }
        } else if (message.path("method").asText().equals("Page.javascriptDialogOpening")) {
            JsonNode params = message.get("params");
            dialogs.add(params.path("type").asText() + ": " + params.path("message").asText());
            ObjectNode answer = JSON.createObjectNode().put("accept", true);
            if (params.path("type").asText().equals("prompt") && promptAnswer != null) {
                answer.put("promptText", promptAnswer);
            }
            send("Page.handleJavaScriptDialog", answer);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            socket.abort();
            listener.handler.shutdownNow();
        } finally {
            stop(process);
            deleteRecursively(profile);
        }
    }

    /**
     * Receives the protocol's messages, which may come in parts, and handles them on a thread of
     * its own: answering a dialog sends a message, which must not wait on the socket's own thread.
     */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ExecutorService handler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chromium-devtools");
            t.setDaemon(true);
            return t;
        });
        /** Set before the first command is sent, so before any message arrives. */
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String whole = text.toString();
                text.setLength(0);
                handler.execute(() -> {
                    try {
                        owner.received(JSON.readTree(whole));
                    } catch (IOException | RuntimeException e) {
                        System.err.println("cannot handle Chromium's message " + whole + ": " + e);
                    }
                });
            }
            webSocket.request(1);
            return null;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        for (ProcessHandle p : family) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : family) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("process " + p.pid() + " did not end within 10 s: " + e);
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(nothing)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
