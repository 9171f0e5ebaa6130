package io.beastmode.stack;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * The standalone broker process that {@code beast stack up} starts: one {@link EmbeddedKafka} on fixed loopback
 * ports, running until SIGTERM (the shutdown hook stops it cleanly so the next start reuses its log).
 *
 * <pre>java -cp ... io.beastmode.stack.BrokerMain --data-dir DIR --port 9092 --controller-port 9093</pre>
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) {
        Path dataDir = null;
        int port = 9092;
        int controllerPort = 9093;
        Properties overrides = new Properties();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--data-dir" -> dataDir = Paths.get(value(args, ++i, arg));
                case "--port" -> port = Integer.parseInt(value(args, ++i, arg));
                case "--controller-port" -> controllerPort = Integer.parseInt(value(args, ++i, arg));
                case "--override" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        usage("--override needs key=value, got " + kv);
                    }
                    overrides.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> usage("unknown argument " + arg);
            }
        }
        if (dataDir == null) {
            usage("--data-dir is required");
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, controllerPort, overrides);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "beast-broker-stop"));
        // Printed for the log file; StackManager checks readiness over the Kafka protocol, not by reading this.
        System.out.println("beast broker ready at " + kafka.bootstrapServers() + " pid " + ProcessHandle.current().pid());
        kafka.awaitShutdown();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("BrokerMain: " + problem);
        System.err.println("usage: BrokerMain --data-dir DIR [--port 9092] [--controller-port 9093] [--override key=value]...");
        System.exit(2);
    }
}
