package dev.canopy.grid.internal.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.grid.GridConfigException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads settings into {@link ConfigValues}: a flat YAML or JSON file of {@code key: value}, or
 * overrides from environment variables ({@code CANOPY_FAN_OUT}) and system properties
 * ({@code canopy.fanOut}). Every problem is a {@link GridConfigException} whose one-line message starts
 * with the source, then names the key, the value and what is allowed:
 * {@code config/node.yaml: key 'fanOut': value 1 is not allowed: must be an integer >= 2}.
 */
final class ConfigParser {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** SnakeYAML's "in 'reader', line 1, column 14:" followed by the quoted line and a caret line. */
    private static final Pattern EXCERPT =
            Pattern.compile("\\s*in 'reader', line \\d+, column \\d+:\\R[^\\n]*\\R[ \\t]*\\^");

    private ConfigParser() {
    }

    /**
     * Sets every key found in {@code file} (JSON when its name ends in {@code .json}, else YAML);
     * keys the file leaves out keep their value. An empty file sets nothing.
     *
     * @throws GridConfigException when the file cannot be read or parsed, or holds an unknown key or a
     *                             value that is not allowed
     */
    static void readFile(Path file, ConfigValues target) {
        String source = file.toString();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GridConfigException(source + ": cannot read the file: " + reason(e), e);
        }
        JsonNode root;
        try {
            root = mapperFor(file).readTree(content);
        } catch (IOException e) {
            throw new GridConfigException(source + ": " + malformed(file, e), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new GridConfigException(source + ": expected a map of key: value but found "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(root.toString()));
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().equals("clusterKey")) {
                // said before anything else, and without the value: config files get shared and committed
                throw new GridConfigException(source + ": the cluster key itself is never written in a config file;"
                        + " put it in a file of its own named by clusterKeyFile (chmod 600), or in the environment"
                        + " variable CANOPY_CLUSTER_KEY, and remove it from " + source);
            }
            ConfigKey<?> key = target.def().key(entry.getKey())
                    .orElseThrow(() -> unknownKey(source, entry.getKey(), entry.getValue(), target.def()));
            set(source, key, entry.getValue(), target);
        }
    }

    /**
     * Sets each key that has an environment variable ({@link ConfigKey#envVar()}) in {@code env} or a
     * system property ({@link ConfigKey#systemProperty()}) in {@code systemProperties}; the system
     * property wins. Variables and properties that name no key are ignored, as other tools share the
     * prefix.
     *
     * @throws GridConfigException naming the variable or property when its value is not allowed
     */
    static void readOverrides(Map<String, String> env, Properties systemProperties, ConfigValues target) {
        for (ConfigKey<?> key : target.def().keys()) {
            String fromEnv = env.get(key.envVar());
            if (fromEnv != null) {
                set("environment variable " + key.envVar(), key, fromEnv, target);
            }
            String fromProperty = systemProperties.getProperty(key.systemProperty());
            if (fromProperty != null) {
                set("system property " + key.systemProperty(), key, fromProperty, target);
            }
        }
    }

    private static <T> void set(String source, ConfigKey<T> key, JsonNode node, ConfigValues target) {
        Optional<T> value = key.type().fromNode(node);
        accept(source, key, value, abbreviate(node.toString()), target);
    }

    private static <T> void set(String source, ConfigKey<T> key, String text, ConfigValues target) {
        Optional<T> value = key.type().fromText(text);
        accept(source, key, value, ConfigType.show(text), target);
    }

    private static <T> void accept(String source, ConfigKey<T> key, Optional<T> value, String shown,
                                   ConfigValues target) {
        if (value.isEmpty()) {
            throw notAllowed(source, key, shown, key.validator().description() + key.type().formHint());
        }
        if (!key.validator().accepts(value.get())) {
            throw notAllowed(source, key, shown, key.validator().description());
        }
        target.set(key, value.get());
    }

    private static GridConfigException notAllowed(String source, ConfigKey<?> key, String shown, String allowed) {
        return new GridConfigException(source + ": key '" + key.name() + "': value " + shown
                + " is not allowed: must be " + allowed);
    }

    private static GridConfigException unknownKey(String source, String name, JsonNode value, ConfigDef def) {
        String known = def.keys().stream().map(ConfigKey::name).collect(Collectors.joining(", "));
        String guess = def.closest(name).map(match -> "did you mean '" + match + "'? ").orElse("");
        return new GridConfigException(source + ": key '" + name + "' is unknown (value "
                + abbreviate(value.toString()) + "): " + guess + "known keys are " + known);
    }

    private static ObjectMapper mapperFor(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    private static String malformed(Path file, IOException e) {
        String format = mapperFor(file) == JSON ? "JSON" : "YAML";
        if (e instanceof JsonProcessingException parse) {
            JsonLocation at = parse.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return "malformed " + format + where + ": " + problem(parse.getOriginalMessage());
        }
        return "malformed " + format + ": " + reason(e);
    }

    /** The parser's words without the excerpts of the file it quotes, which the line and column replace. */
    private static String problem(String message) {
        if (message == null) {
            return "";
        }
        String withoutExcerpts = EXCERPT.matcher(message.strip()).replaceAll("");
        return withoutExcerpts.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String abbreviate(String text) {
        String line = oneLine(text);
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
