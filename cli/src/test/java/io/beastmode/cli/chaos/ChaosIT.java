package io.beastmode.cli.chaos;

import io.beastmode.stack.BeastTestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault scenarios of {@code beast chaos} at small sizes, each on a broker of its own in a child process (so it
 * can be killed and restarted) and the shared Apicurio Registry, with the pipeline as a child process ({@code beast
 * run}) killed with SIGKILL. Inputs come from the simulator's bundled trace sample; the poison mix is in every run.
 */
class ChaosIT {

    private static ChaosRun.Result run(long events, int kills, int poison, boolean brokerRestart, boolean stateWipe,
                                       boolean reference) throws Exception {
        return run(events, kills, poison, brokerRestart, stateWipe, reference, Duration.ofMinutes(45));
    }

    private static ChaosRun.Result run(long events, int kills, int poison, boolean brokerRestart, boolean stateWipe,
                                       boolean reference, Duration inputAge) throws Exception {
        ChaosRun.Options o = new ChaosRun.Options(events, kills, poison, 7, brokerRestart, stateWipe, reference,
                null, Duration.ofMinutes(4), BeastTestStack.registryUrl(), null, "512m", 3, inputAge, true);
        ChaosRun.Result r = new ChaosRun(o, System.err).run();
        System.err.println(r.line() + " " + r.asMap());
        return r;
    }

    /**
     * kill -9 twice while windows are being written, restart each time; poison records mixed in. Every window of
     * every dimension must equal the uninterrupted reference's. (Non-ALL windows used to differ after a kill when
     * the input was a week old: an exactly-once task restarts from a wiped store after a crash, and Kafka Streams
     * 4.4 restores a windowed changelog from its last record's timestamp minus the retention; see the README.)
     */
    @Test
    void killNineWithRestartsLosesNothingCountsNothingTwiceAndMatchesAnUninterruptedRun() throws Exception {
        ChaosRun.Result r = run(2_000, 2, 40, false, false, true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.windowDifferences()).isEmpty();
        assertThat(r.kills()).isEqualTo(2);
        assertThat(r.counted()).isEqualTo(2_000);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.windowsCompared()).as("windows of the reference, every dimension and size").isGreaterThan(50);
        assertThat(r.windowDifferences()).as("ALL windows are exact").noneMatch(d -> d.startsWith("ALL|"));
        // Every poison record is a dead letter with a reason of its kind; no valid event is one.
        assertThat(r.dlq()).isEqualTo(40);
        assertThat(r.poisonMatched()).isEqualTo(40);
        assertThat(r.unexpectedDeadLetters()).isZero();
        assertThat(r.deadLettersByReason()).containsKeys("unknown-schema-id", "invalid-latency", "invalid-value",
                "event-time-out-of-range").doesNotContainKey("late-event");
        assertThat(r.deadLettersByReason().keySet()).containsAnyOf("bad-magic-byte", "truncated");
        assertThat(r.line()).isEqualTo("events=2000 counted=2000 lost=0 duplicated=0 dlq=40");
    }

    /** The broker is killed and restarted under the running pipeline, which is left alone and must carry on. */
    @Test
    void theSameBrokerRestartedUnderThePipelineIsRecoveredFromWithoutHelp() throws Exception {
        // The reference run first, so the broker fault fires on its timing (see the state-wipe test).
        ChaosRun.Result r = run(1_500, 0, 10, true, false, true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.brokerRestarts()).isEqualTo(1);
        assertThat(r.brokerRecovered()).isTrue();
        assertThat(r.unexpectedExits()).isZero();
        assertThat(r.counted()).isEqualTo(1_500);
        assertThat(r.duplicated()).isZero();
        assertThat(r.dlq()).isEqualTo(10);
    }

    /**
     * The state directory is deleted twice: once with a kill while windows are being written, once after the end;
     * state comes back from the changelogs, the counts stay exact and the HTTP queries answer the same. The input is
     * a week old, which needs the window changelogs' retention raised past its age (the broker deletes their rolled
     * segments by record timestamp, i.e. event time): with Kafka Streams' default of store retention + 1 day, 570 of
     * 1,500 requests were lost here. The input, metrics and DLQ topics' 7-day retention, too, is raised past the
     * input's age: with it, 20 windows vanished from the metrics topic before the test read them, seen once in CI.
     * See the README, "Replaying old data".
     */
    @Test
    void aDeletedStateDirectoryIsRebuiltFromTheChangelogsAndQueriesAnswerTheSame() throws Exception {
        // With the reference run the kill fires on its timing: without it a small input is processed in one burst
        // and the kill would come only after the end.
        ChaosRun.Result r = run(1_500, 1, 10, false, true, true, Duration.ofDays(7));
        assertThat(r.problems()).isEmpty();
        assertThat(r.stateWipeChecked()).isTrue();
        assertThat(r.queriesEqual()).isTrue();
        assertThat(r.counted()).isEqualTo(1_500);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
    }
}
