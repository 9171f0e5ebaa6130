package io.beastmode.cli;

import io.beastmode.stack.Ports;
import io.beastmode.stack.StackManager;
import io.beastmode.stack.StackManager.Service;
import io.beastmode.stack.StackManager.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance of {@code beast stack up|status|down} on free ports and a temporary directory: both services come
 * up as processes of their own, answer, survive a second {@code up} untouched, and after {@code down} no process of
 * ours runs and no port is open.
 */
class StackManagerIT {

    @TempDir
    Path dir;

    private StackManager manager;
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        // Whatever an assertion left running must not outlive the test JVM.
        if (manager != null) {
            manager.down();
        }
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void upStatusDownOnFreePorts() throws Exception {
        int kafka = Ports.freePort();
        int controller = Ports.freePort();
        int registry = Ports.freePort();
        manager = new StackManager(StackManager.Config.defaults(dir).withPorts(kafka, controller, registry)
                .withTimeout(Duration.ofSeconds(120)));

        long t0 = System.nanoTime();
        StackManager.UpResult up = manager.up();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("stack up took %.1f s%n", seconds);
        assertThat(up.started()).containsExactly(Service.KAFKA, Service.REGISTRY);
        assertThat(up.status()).allMatch(ServiceStatus::ready);
        long kafkaPid = manager.livePid(Service.KAFKA).orElseThrow();
        long registryPid = manager.livePid(Service.REGISTRY).orElseThrow();
        pids.add(kafkaPid);
        pids.add(registryPid);
        assertThat(kafkaPid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(Files.readString(manager.pidFile(Service.KAFKA)).trim()).isEqualTo(Long.toString(kafkaPid));
        assertThat(manager.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka);
        assertThat(Ports.isListening("127.0.0.1", kafka)).isTrue();
        assertThat(Ports.isListening("127.0.0.1", controller)).isTrue();
        assertThat(Ports.isListening("127.0.0.1", registry)).isTrue();

        // Loopback only: the ports must not answer on any other address of this machine.
        for (String address : nonLoopbackAddresses()) {
            assertThat(Ports.isListening(address, kafka)).as("broker on " + address).isFalse();
            assertThat(Ports.isListening(address, registry)).as("registry on " + address).isFalse();
        }

        // A schema registered now must survive a restart (the registry keeps its data under the stack dir).
        String subject = "stack-it-value";
        HttpResponse<String> registered = http("POST", manager.registryUrl() + "/subjects/" + subject + "/versions",
                "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        // topics create provisions the contract on this stack, registry given as the bare host URL; a second run
        // changes nothing; `topics` then lists them like SHOW TOPICS.
        String registryHost = "http://127.0.0.1:" + registry;
        StringWriter created = new StringWriter();
        assertThat(BeastCli.execute(new PrintWriter(created), new PrintWriter(new StringWriter()), "topics", "create",
                "--bootstrap-servers", manager.bootstrapServers(), "--schema-registry", registryHost)).isZero();
        assertThat(created.toString()).contains("topics: 11 created, 0 already there").contains("subjects: 11 registered");
        StringWriter again1 = new StringWriter();
        assertThat(BeastCli.execute(new PrintWriter(again1), new PrintWriter(new StringWriter()), "topics", "create",
                "--bootstrap-servers", manager.bootstrapServers(), "--schema-registry", registryHost)).isZero();
        assertThat(again1.toString()).contains("topics: 0 created, 11 already there");
        HttpResponse<String> compat = http("GET", manager.registryUrl() + "/config/beast.proposals.v1-value", null);
        assertThat(compat.body()).contains("BACKWARD");
        StringWriter listed = new StringWriter();
        assertThat(BeastCli.execute(new PrintWriter(listed), new PrintWriter(new StringWriter()), "topics",
                "--bootstrap-servers", manager.bootstrapServers())).isZero();
        assertThat(listed.toString()).startsWith("Kafka Topic ").containsPattern("beast\\.requests\\.v1 +\\| 3 +\\| 1")
                .containsPattern("beast\\.final-metrics\\.v1 +\\| 1 +\\| 1")
                .doesNotContain("__consumer_offsets");

        // Idempotent: a second up starts nothing and keeps the same processes.
        StackManager.UpResult again = manager.up();
        assertThat(again.started()).isEmpty();
        assertThat(again.alreadyRunning()).containsExactly(Service.KAFKA, Service.REGISTRY);
        assertThat(manager.livePid(Service.KAFKA)).contains(kafkaPid);

        // The CLI's status agrees, in JSON, with exit code 0.
        StringWriter out = new StringWriter();
        int rc = BeastCli.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "stack", "status", "--json",
                "--dir", dir.toString());
        assertThat(rc).isZero();
        assertThat(out.toString()).contains("\"pid\" : " + kafkaPid).contains("\"ready\" : true");

        assertThat(manager.down()).containsExactly(Service.REGISTRY, Service.KAFKA);
        assertGone(kafkaPid);
        assertGone(registryPid);
        assertThat(Ports.isListening("127.0.0.1", kafka)).isFalse();
        assertThat(Ports.isListening("127.0.0.1", controller)).isFalse();
        assertThat(Ports.isListening("127.0.0.1", registry)).isFalse();
        assertThat(manager.pidFile(Service.KAFKA)).doesNotExist();
        assertThat(manager.pidFile(Service.REGISTRY)).doesNotExist();
        assertThat(manager.status()).noneMatch(ServiceStatus::running);
        rc = BeastCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "stack", "status",
                "--dir", dir.toString());
        assertThat(rc).isEqualTo(ExitCodes.NOT_READY);

        // Up again on the same directory: the broker reuses its log and the registry still has the schema.
        manager.up();
        pids.add(manager.livePid(Service.KAFKA).orElseThrow());
        pids.add(manager.livePid(Service.REGISTRY).orElseThrow());
        HttpResponse<String> versions = http("GET", manager.registryUrl() + "/subjects/" + subject + "/versions", null);
        assertThat(versions.statusCode()).as(versions.body()).isEqualTo(200);
        assertThat(versions.body().replace(" ", "")).isEqualTo("[1]");
        manager.down();
        assertThat(manager.status()).noneMatch(ServiceStatus::running);
    }

    @Test
    void downNeverKillsAProcessThatIsNotOurs() throws Exception {
        manager = new StackManager(StackManager.Config.defaults(dir));
        // A live process whose PID sits in the PID file but whose command line is not one of ours (a recycled PID).
        Process stranger = new ProcessBuilder("sleep", "60").start();
        pids.add(stranger.pid());
        Files.writeString(manager.pidFile(Service.KAFKA), stranger.pid() + "\n");
        assertThat(manager.livePid(Service.KAFKA)).isEmpty();
        assertThat(manager.down()).isEmpty();
        assertThat(stranger.isAlive()).isTrue();
        assertThat(manager.pidFile(Service.KAFKA)).doesNotExist();
        stranger.destroyForcibly().waitFor();
    }

    @Test
    void upRefusesAPortTakenBySomeoneElse() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            manager = new StackManager(StackManager.Config.defaults(dir)
                    .withPorts(taken.getLocalPort(), Ports.freePort(), Ports.freePort()));
            org.assertj.core.api.Assertions.assertThatThrownBy(manager::up)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("already in use");
            assertThat(manager.status()).noneMatch(ServiceStatus::running);
        }
    }

    private static void assertGone(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        assertThat(h.isEmpty() || !h.get().isAlive()).as("process " + pid + " gone").isTrue();
    }

    private static List<String> nonLoopbackAddresses() throws Exception {
        List<String> out = new ArrayList<>();
        for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var a : java.util.Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    out.add(a.getHostAddress());
                }
            }
        }
        return out;
    }

    private static HttpResponse<String> http(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
