package io.beastmode.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the trace files come from: the full data sets in a directory laid out like {@code ../shared/data} (files under
 * {@code llm/...}), or the small sample bundled in this jar under {@code sample-traces/} with the same layout.
 * Readers address files by that relative path, so they work unchanged on both.
 */
public abstract class TraceFiles {
    /** A file every full data directory has; its presence decides between the directory and the sample. */
    static final String MARKER = "llm/azure-2023/AzureLLMInferenceTrace_conv.csv";
    static final String SAMPLE_ROOT = "sample-traces/";

    /** Opens a file by its path relative to the data root; throws if absent. */
    public abstract InputStream open(String relativePath) throws IOException;

    public abstract boolean exists(String relativePath);

    /** Files directly under {@code relativeDir} whose names end with {@code suffix}, sorted, as relative paths. */
    public abstract List<String> list(String relativeDir, String suffix);

    /** "full data at DIR" or "bundled sample". */
    public abstract String description();

    public abstract boolean isSample();

    public BufferedReader reader(String relativePath) throws IOException {
        return new BufferedReader(new InputStreamReader(open(relativePath), StandardCharsets.UTF_8), 1 << 16);
    }

    /** The full data under {@code dataDir} when it is there, else the bundled sample. */
    public static TraceFiles resolve(Path dataDir) {
        if (dataDir != null && Files.isRegularFile(dataDir.resolve(MARKER))) {
            return directory(dataDir);
        }
        return sample();
    }

    public static TraceFiles directory(Path root) {
        return new Directory(root.toAbsolutePath().normalize());
    }

    public static TraceFiles sample() {
        return new Sample();
    }

    private static final class Directory extends TraceFiles {
        private final Path root;

        Directory(Path root) {
            this.root = root;
        }

        @Override
        public InputStream open(String relativePath) throws IOException {
            return Files.newInputStream(root.resolve(relativePath));
        }

        @Override
        public boolean exists(String relativePath) {
            return Files.isRegularFile(root.resolve(relativePath));
        }

        @Override
        public List<String> list(String relativeDir, String suffix) {
            Path dir = root.resolve(relativeDir);
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
                        .map(n -> relativeDir + "/" + n).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String description() {
            return "full data at " + root;
        }

        @Override
        public boolean isSample() {
            return false;
        }
    }

    /** Class-path resources cannot be listed portably, so the sample carries an index of its files. */
    private static final class Sample extends TraceFiles {
        private final List<String> index;

        Sample() {
            List<String> files = new ArrayList<>();
            try (InputStream in = resource("index.txt");
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        files.add(line.trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the bundled trace sample is missing from the class path", e);
            }
            this.index = List.copyOf(files);
        }

        private static InputStream resource(String relativePath) throws IOException {
            InputStream in = TraceFiles.class.getClassLoader().getResourceAsStream(SAMPLE_ROOT + relativePath);
            if (in == null) {
                throw new IOException("no bundled sample file " + SAMPLE_ROOT + relativePath);
            }
            return in;
        }

        @Override
        public InputStream open(String relativePath) throws IOException {
            return resource(relativePath);
        }

        @Override
        public boolean exists(String relativePath) {
            return index.contains(relativePath);
        }

        @Override
        public List<String> list(String relativeDir, String suffix) {
            String prefix = relativeDir + "/";
            return index.stream().filter(f -> f.startsWith(prefix) && f.indexOf('/', prefix.length()) < 0 && f.endsWith(suffix))
                    .sorted().toList();
        }

        @Override
        public String description() {
            return "bundled sample (" + SAMPLE_ROOT + ")";
        }

        @Override
        public boolean isSample() {
            return true;
        }
    }
}
