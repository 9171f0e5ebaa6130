package io.beastmode.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code scripts/beast}: one command line for the stack, the pipeline, the simulator and the benchmarks. */
@Command(name = "beast",
        mixinStandardHelpOptions = true,
        versionProvider = BeastCli.Version.class,
        description = "Beast Mode Analytics: Kafka Streams analytics for LLM gateway telemetry.",
        subcommands = {
                CommandLine.HelpCommand.class,
                StackCommand.class,
                TopicsCommand.class,
                DescribeCommand.class,
                PrintCommand.class,
                QueryCommand.class,
                ProposalsCommand.class,
                AnomaliesCommand.class,
                RunCommand.class,
                SimulateCommand.class,
                DemoCommand.class,
                NabCommand.class,
                BenchCommand.class,
                ChaosCommand.class,
        },
        footer = {"", "Every option can also be set by an environment variable BEAST_<OPTION>, e.g. "
                + "--bootstrap-servers by BEAST_BOOTSTRAP_SERVERS; a flag given on the command line wins."})
public final class BeastCli implements Runnable {

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BeastCli());
        cl.setDefaultValueProvider(new EnvDefaults());
        cl.setExitCodeExceptionMapper(BeastCli::exitCodeOf);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                // A usage problem found by the command itself (e.g. a missing subcommand): exit 2 like picocli's own.
                commandLine.getErr().println(pe.getMessage());
                pe.getCommandLine().usage(commandLine.getErr());
                return ExitCodes.USAGE;
            }
            // One line for people; the stack trace only when asked for (BEAST_DEBUG=1).
            commandLine.getErr().println("beast " + commandLine.getCommandName() + ": " + message(e));
            if (System.getenv("BEAST_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return exitCodeOf(e);
        });
        PipelineOptions.addTo(cl.getSubcommands().get("run").getCommandSpec());
        configure(cl);
        return cl;
    }

    static int exitCodeOf(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotReadyException || t instanceof io.beastmode.stack.StackManager.NotReadyException) {
                return ExitCodes.NOT_READY;
            }
            if (t instanceof InterruptedException) {
                return ExitCodes.INTERRUPTED;
            }
        }
        return ExitCodes.FAILURE;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /**
     * The same conventions on every command, set here once: --help and --version, the exit codes, and a help section
     * listing the environment variable of each option.
     */
    private static void configure(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.optionsMap().get("--help") == null) {
            spec.mixinStandardHelpOptions(true);
        }
        spec.versionProvider(new Version());
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        for (String entry : ExitCodes.LIST) {
            int colon = entry.indexOf(':');
            codes.put(entry.substring(0, colon), entry.substring(colon + 1));
        }
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
        if (!keys.contains("environment")) { // setHelpSectionKeys also reaches the subcommands already added
            keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING), "environment");
            cl.setHelpSectionKeys(keys);
        }
        cl.getHelpSectionMap().put("environment", help -> {
            StringBuilder sb = new StringBuilder();
            for (OptionSpec o : help.commandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                    continue;
                }
                if (sb.length() == 0) {
                    sb.append(String.format("%nEnvironment:%n"));
                }
                sb.append(String.format("  %-32s %s%n", EnvDefaults.variableFor(o), o.longestName()));
            }
            return sb.toString();
        });
        for (CommandLine sub : cl.getSubcommands().values()) {
            configure(sub);
        }
    }

    /** The version from the jar manifest (Maven writes Implementation-Version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BeastCli.class.getPackage().getImplementationVersion();
            return new String[]{"beast " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
