package io.beastmode.cli;

import io.beastmode.stack.StackManager;
import io.beastmode.stack.StackManager.Service;
import io.beastmode.stack.StackManager.ServiceStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beast stack up|down|status}: the broker and the registry as background processes on loopback. */
@Command(name = "stack",
        description = "A local single-node KRaft broker and Apicurio Registry on 127.0.0.1, as background processes "
                + "with data, logs and PID files under one directory.",
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
public final class StackCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which: stack up, stack down or stack status");
    }

    /** Options of all three subcommands. */
    static final class StackOptions {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Stack directory: data, logs, PID files (default: <repo>/.beast/stack).")
        Path dir;

        @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Option(names = "--registry-port", defaultValue = "8081", description = "Apicurio Registry port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int registryPort;

        @Option(names = "--timeout", defaultValue = "90", paramLabel = "SECONDS",
                description = "How long to wait for readiness (up) or exit (down) (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        StackManager manager() {
            return new StackManager(StackManager.Config.defaults(dir == null ? defaultDir() : dir)
                    .withPorts(kafkaPort, controllerPort, registryPort)
                    .withTimeout(Duration.ofSeconds(timeoutSeconds)));
        }
    }

    /** What up, down and status share: the stack options, --json and the picocli spec for the output stream. */
    abstract static class Subcommand implements Callable<Integer> {
        @CommandLine.Mixin
        StackOptions options = new StackOptions();

        @Option(names = "--json", description = "Print the result as JSON (for scripts).")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }

    /** {@code <repo>/.beast/stack}; scripts/beast passes the repository root as {@code beast.home}. */
    static Path defaultDir() {
        String home = System.getProperty("beast.home");
        return (home == null ? Paths.get("").toAbsolutePath() : Paths.get(home)).resolve(".beast").resolve("stack");
    }

    @Command(name = "up", description = "Start the broker and the registry (only what is not running yet), wait until "
            + "both answer, then create the topics and register the subjects.")
    static final class Up extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StackManager manager = options.manager();
            ignoreFromGit(manager.config().dir());
            long t0 = System.nanoTime();
            StackManager.UpResult result = manager.up();
            if (!json) {
                for (Service s : result.alreadyRunning()) {
                    out.println(s.id() + " already running (pid " + manager.livePid(s).map(String::valueOf).orElse("?") + ")");
                }
                for (Service s : result.started()) {
                    out.println(s.id() + " started");
                }
            }
            Provisioning.Report provisioned = Provisioning.provision(manager.bootstrapServers(), manager.registryUrl());
            if (json) {
                Map<String, Object> doc = statusDocument(manager, result.status());
                doc.put("started", result.started().stream().map(Service::id).toList());
                doc.put("alreadyRunning", result.alreadyRunning().stream().map(Service::id).toList());
                doc.put("provisioning", provisioned.asMap());
                out.println(Json.write(doc));
            } else {
                out.print(statusTable(result.status()));
                provisioned.lines().forEach(out::println);
                out.printf("stack ready in %.1f s (dir %s)%n", (System.nanoTime() - t0) / 1e9, manager.config().dir());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "down", description = "Stop exactly the processes `stack up` started from this directory (by PID).")
    static final class Down extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StackManager manager = options.manager();
            List<Service> stopped = manager.down();
            if (json) {
                out.println(Json.write(Map.of("dir", manager.config().dir().toString(),
                        "stopped", stopped.stream().map(Service::id).toList())));
            } else if (stopped.isEmpty()) {
                out.println("nothing of ours was running in " + manager.config().dir());
            }
            for (Service s : stopped) {
                out.println(s.id() + " stopped");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "What runs where: PID, address, ready or not. Exits 0 when both services answer, 3 otherwise.")
    static final class Status extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StackManager manager = options.manager();
            List<ServiceStatus> status = manager.status();
            if (json) {
                out.println(Json.write(statusDocument(manager, status)));
            } else {
                out.print(statusTable(status));
                out.println("stack dir: " + manager.config().dir());
            }
            out.flush();
            return status.stream().allMatch(ServiceStatus::ready) ? ExitCodes.OK : ExitCodes.NOT_READY;
        }
    }

    static String statusTable(List<ServiceStatus> status) {
        Table t = new Table("Service", "PID", "Address", "State", "Log");
        for (ServiceStatus s : status) {
            t.row(s.service().id(), s.pid().map(String::valueOf).orElse("-"), s.address(), s.note(), s.logFile());
        }
        return t.render();
    }

    static Map<String, Object> statusDocument(StackManager manager, List<ServiceStatus> status) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dir", manager.config().dir().toString());
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceStatus s : status) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", s.service().id());
            m.put("pid", s.pid().orElse(null));
            m.put("running", s.running());
            m.put("ready", s.ready());
            m.put("address", s.address());
            m.put("log", s.logFile().toString());
            m.put("note", s.note());
            services.add(m);
        }
        doc.put("services", services);
        doc.put("ready", status.stream().allMatch(ServiceStatus::ready));
        return doc;
    }

    /** The default stack directory sits inside the repository; keep its data out of `git status`. */
    private static void ignoreFromGit(Path stackDir) {
        Path beast = stackDir.getParent();
        if (beast == null || !beast.getFileName().toString().equals(".beast")) {
            return;
        }
        try {
            Files.createDirectories(beast);
            Path ignore = beast.resolve(".gitignore");
            if (!Files.exists(ignore)) {
                Files.writeString(ignore, "# written by beast stack up: local broker and registry data\n*\n");
            }
        } catch (IOException e) {
            // cosmetic only
        }
    }
}
