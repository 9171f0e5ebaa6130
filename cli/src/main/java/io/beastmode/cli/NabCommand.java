package io.beastmode.cli;

import io.beastmode.detectors.DetectorConfig;
import io.beastmode.detectors.nab.NabReport;
import io.beastmode.detectors.nab.NabRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/** {@code beast nab}: our streaming detector scored on the Numenta Anomaly Benchmark under its three profiles. */
@Command(name = "nab", description = "Run the anomaly detector over NAB data files and score it with NAB's rules "
        + "(standard, reward_low_FP_rate, reward_low_FN_rate; normalised: null detector 0, perfect 100).")
public final class NabCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR",
            description = "NAB data folder of category/file.csv series (default: ../shared/data/nab/data next to the repository).")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "NAB anomaly windows (default: ../shared/data/nab/labels/combined_windows.json).")
    Path labels;

    @Option(names = "--threshold", paramLabel = "T|optimise",
            description = "Alert threshold on the anomaly score; `optimise` searches the best one per profile "
                    + "(default: the detector's calibrated threshold).")
    String threshold;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write NAB-format result CSVs here.")
    Path out;

    @Option(names = "--json", description = "Print the full report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path nab = sharedData().resolve("nab");
        Path dataDir = data != null ? data : nab.resolve("data");
        Path labelsFile = labels != null ? labels : nab.resolve("labels").resolve("combined_windows.json");
        if (!Files.isDirectory(dataDir) || !Files.isRegularFile(labelsFile)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "NAB data not found (data " + dataDir
                    + ", labels " + labelsFile + "); pass --data and --labels");
        }
        OptionalDouble t;
        if (threshold == null) {
            t = OptionalDouble.of(DetectorConfig.defaults().alertThreshold());
        } else if (threshold.equals("optimise") || threshold.equals("optimize")) {
            t = OptionalDouble.empty();
        } else {
            try {
                t = OptionalDouble.of(Double.parseDouble(threshold));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threshold takes a number or `optimise`, got " + threshold);
            }
        }
        NabReport report = new NabRunner().run(dataDir, labelsFile, t, Optional.ofNullable(out));
        PrintWriter pw = spec.commandLine().getOut();
        pw.println(json ? report.toJson() : "detector " + report.detector() + " on " + report.files() + " files\n"
                + report.toDetailedText());
        pw.flush();
        return ExitCodes.OK;
    }

    /** {@code BEAST_SHARED_DATA}, the {@code beast.shared.data} property (tests), or {@code <repo>/../shared/data}. */
    static Path sharedData() {
        for (String v : new String[]{System.getenv("BEAST_SHARED_DATA"), System.getProperty("beast.shared.data")}) {
            if (v != null && !v.isBlank()) {
                return Path.of(v);
            }
        }
        String home = System.getProperty("beast.home");
        Path root = home == null ? Path.of("").toAbsolutePath() : Path.of(home);
        return root.resolveSibling("shared").resolve("data");
    }
}
