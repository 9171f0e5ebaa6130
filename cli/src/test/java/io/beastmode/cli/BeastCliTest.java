package io.beastmode.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI conventions that every command shares: help, version, exit codes and environment variables. */
class BeastCliTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BeastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static List<List<String>> allCommandPaths(CommandLine cl, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                out.addAll(allCommandPaths(sub, p));
            }
        });
        return out;
    }

    @Test
    void everyCommandHasHelpVersionExitCodesAndItsEnvironmentVariables() {
        for (List<String> path : allCommandPaths(BeastCli.commandLine(), List.of())) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Result help = run(args.toArray(String[]::new));
            assertThat(help.code()).as("exit code of %s --help", path).isZero();
            assertThat(help.out()).as("help of %s", path).contains("Usage: beast").contains("Exit codes:")
                    .contains("3     a service did not become ready");
            assertThat(help.out().split("Exit codes:", -1)).as("one exit code section in %s", path).hasSize(2);
            assertThat(help.out().split("Environment:", -1)).as("at most one environment section in %s", path).hasSizeLessThanOrEqualTo(2);
            args.set(args.size() - 1, "--version");
            Result version = run(args.toArray(String[]::new));
            assertThat(version.code()).isZero();
            assertThat(version.out()).startsWith("beast ");
        }
        assertThat(run("stack", "status", "--help").out())
                .contains("BEAST_DIR").contains("BEAST_KAFKA_PORT").contains("BEAST_JSON");
        assertThat(run("topics", "--help").out()).contains("BEAST_BOOTSTRAP_SERVERS").contains("BEAST_SCHEMA_REGISTRY");
        // The pipeline's settings are flags named after PipelineConfig's keys, with the variables it reads itself.
        assertThat(run("run", "--help").out()).contains("--window-grace").contains("BEAST_WINDOW_GRACE")
                .contains("BEAST_APPLICATION_ID").contains("BEAST_HTTP_PORT");
    }

    @Test
    void usageErrorsExitWithTwo() {
        Result unknown = run("stack", "status", "--no-such-flag");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("--no-such-flag");
        assertThat(run("no-such-command").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("stack", "status", "--kafka-port", "not-a-number").code()).isEqualTo(ExitCodes.USAGE);
        Result bare = run("stack");
        assertThat(bare.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bare.err()).contains("stack up, stack down or stack status");
    }

    @Test
    void environmentVariablesAreDefaultsThatFlagsOverride() {
        Map<String, String> env = Map.of("BEAST_BOOTSTRAP_SERVERS", "broker-from-env:19092", "BEAST_KAFKA_PORT", "19999");
        CommandLine cl = new CommandLine(new BeastCli());
        cl.setDefaultValueProvider(new EnvDefaults(env));

        CommandLine.ParseResult fromEnv = cl.parseArgs("topics");
        TopicsCommand topics = fromEnv.subcommand().commandSpec().commandLine().getCommand();
        assertThat(topics.cluster.bootstrapServers()).isEqualTo("broker-from-env:19092");

        cl = new CommandLine(new BeastCli());
        cl.setDefaultValueProvider(new EnvDefaults(env));
        CommandLine.ParseResult fromFlag = cl.parseArgs("topics", "--bootstrap-servers", "flag:9092");
        topics = fromFlag.subcommand().commandSpec().commandLine().getCommand();
        assertThat(topics.cluster.bootstrapServers()).isEqualTo("flag:9092");

        cl = new CommandLine(new BeastCli());
        cl.setDefaultValueProvider(new EnvDefaults(Map.of()));
        topics = cl.parseArgs("topics").subcommand().commandSpec().commandLine().getCommand();
        assertThat(topics.cluster.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void runFlagsAndVariablesBecomeThePipelineConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("pipeline.properties");
        java.nio.file.Files.writeString(file, "window.grace=45s\nwindow.tumbling=2m\nstreams.max.poll.records=123\n");
        CommandLine cl = BeastCli.commandLine();
        cl.setDefaultValueProvider(new EnvDefaults(Map.of("BEAST_APPLICATION_ID", "from-env", "BEAST_WINDOW_TUMBLING", "5m")));
        CommandLine.ParseResult parsed = cl.parseArgs("run", "--config", file.toString(), "--window-grace", "10s");
        io.beastmode.topology.config.PipelineConfig config = RunCommand.config(parsed.subcommand().commandSpec(),
                "broker:9092", "http://registry/apis/ccompat/v7");
        assertThat(config.applicationId()).isEqualTo("from-env");
        assertThat(config.grace()).isEqualTo(java.time.Duration.ofSeconds(10));          // flag over file
        assertThat(config.tumblingWindow()).isEqualTo(java.time.Duration.ofMinutes(5));  // variable over file
        assertThat(config.extraStreamsProps()).containsEntry("max.poll.records", "123");
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
    }

    /**
     * Over the whole picocli model: every option of every command (help and version aside) takes its value from its
     * BEAST_* variable, and the variable is listed in the command's --help. An option added without an environment
     * variable (e.g. a command that does not use EnvDefaults, or a type it cannot convert) fails here.
     */
    @Test
    void everyOptionOfEveryCommandIsSetByItsEnvironmentVariable() {
        int checked = 0;
        for (List<String> path : allCommandPaths(BeastCli.commandLine(), List.of())) {
            CommandLine.Model.CommandSpec spec = subcommand(BeastCli.commandLine(), path).getCommandSpec();
            String help = run(concat(path, "--help").toArray(String[]::new)).out();
            for (CommandLine.Model.OptionSpec option : spec.options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String variable = EnvDefaults.variableFor(option);
                assertThat(help).as("%s --help lists %s", path, variable).contains(variable);
                Object baseline = parsedValue(path, option.longestName(), Map.of());
                String sample = sampleFor(option, baseline);
                Object fromEnv = parsedValue(path, option.longestName(), Map.of(variable, sample));
                assertThat(fromEnv).as("%s %s from %s=%s", path, option.longestName(), variable, sample)
                        .isNotEqualTo(baseline);
                assertThat(String.valueOf(fromEnv)).as("%s %s from %s", path, option.longestName(), variable)
                        .contains(sample.replaceFirst("=.*", ""));
                checked++;
            }
        }
        assertThat(checked).as("options checked").isGreaterThan(60);
    }

    private static List<String> concat(List<String> path, String arg) {
        List<String> args = new ArrayList<>(path);
        args.add(arg);
        return args;
    }

    private static CommandLine subcommand(CommandLine root, List<String> path) {
        CommandLine cl = root;
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }

    /** Parses the command (with placeholder positionals) under that environment; the option's typed value. */
    private static Object parsedValue(List<String> path, String optionName, Map<String, String> env) {
        CommandLine root = BeastCli.commandLine();
        root.setDefaultValueProvider(new EnvDefaults(env));
        CommandLine cl = subcommand(root, path);
        List<String> args = new ArrayList<>(path);
        for (CommandLine.Model.PositionalParamSpec p : cl.getCommandSpec().positionalParameters()) {
            if (p.required()) {
                args.add("placeholder");
            }
        }
        root.parseArgs(args.toArray(String[]::new));
        Object v = cl.getCommandSpec().findOption(optionName).getValue();
        return v instanceof Object[] a ? List.of(a) : v;
    }

    /** A value of the option's type that differs from what it gets without the variable. */
    private static String sampleFor(CommandLine.Model.OptionSpec option, Object baseline) {
        Class<?> t = option.type();
        if (t == boolean.class || t == Boolean.class) {
            return Boolean.TRUE.equals(baseline) ? "false" : "true";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "4321";
        }
        if (t == double.class || t == Double.class) {
            return "43.25";
        }
        if (t.isEnum()) {
            Object[] constants = t.getEnumConstants();
            return (constants[0].equals(baseline) ? constants[constants.length - 1] : constants[0]).toString();
        }
        if (t == java.time.Instant.class) {
            return "2026-11-26T06:26:32Z";
        }
        if (t == java.time.Duration.class) {
            return "PT43S";
        }
        if (java.util.Map.class.isAssignableFrom(t)) {
            return "envkey=1";
        }
        if (t == String.class || t == java.nio.file.Path.class || t == java.io.File.class
                || java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "from-env-value";
        }
        throw new AssertionError("no sample value for option " + option.longestName() + " of type " + t
                + ": teach this test the type");
    }

    @Test
    void variableNamesFollowTheLongestOptionName() {
        CommandLine.Model.OptionSpec option = CommandLine.Model.OptionSpec.builder("-s", "--schema-registry").build();
        assertThat(EnvDefaults.variableFor(option)).isEqualTo("BEAST_SCHEMA_REGISTRY");
    }

    @Test
    void statusOfAStackThatIsNotRunningSaysSoWithExitThree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Result status = run("stack", "status", "--dir", dir.toString(), "--kafka-port", "1", "--registry-port", "2");
        assertThat(status.code()).isEqualTo(ExitCodes.NOT_READY);
        assertThat(status.out()).contains("kafka").contains("not running").contains("127.0.0.1:1");
    }

    @Test
    void tablesAreAlignedLikeKsqlDb() {
        String t = new Table("Kafka Topic", "Partitions", "Partition Replicas")
                .row("beast.requests.v1", 3, 1).row("x", 12, 1).render();
        assertThat(t.lines().toList()).containsExactly(
                "Kafka Topic       | Partitions | Partition Replicas",
                "---------------------------------------------------",
                "beast.requests.v1 | 3          | 1",
                "x                 | 12         | 1");
    }
}
