package io.beastmode.topology.decode;

import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.topology.model.Decoded;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dimension keys an event fans out to, built once per combination and shared (see EventMapper's cache). */
class EventMapperKeysTest {

    private static final long T = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    private final EventMapper mapper = new EventMapper(Instant.parse("2015-01-01T00:00:00Z"), 900_000L, 2.0);

    private static RequestEvent request(String type, String model, String tenant) {
        // New string instances each time, as the Avro decoder makes them.
        return RequestEvent.newBuilder()
                .setEventId(new String("e-1")).setRequestId(new String("r-1")).setEventTime(T)
                .setTenant(new String(tenant)).setRequestType(new String(type)).setRequestedModel(model)
                .setServedModel(new String(model)).setProvider("p").setStatus(RequestStatus.OK).setErrorClass(null)
                .setLatencyMs(10.0).setTimeToFirstTokenMs(null).setInputTokens(1).setOutputTokens(1)
                .setStreaming(false).setGatewayNode("gw").build();
    }

    private static CacheEvent cache(String type, String tenant, CacheTier tier, String namespace) {
        return CacheEvent.newBuilder()
                .setEventId("e-2").setRequestId("r-2").setEventTime(T)
                .setTenant(tenant).setRequestType(type).setTier(tier).setNamespace(namespace)
                .setOutcome(CacheOutcome.HIT).setLookupLatencyMs(1.0).setSimilarity(null).setThreshold(null)
                .setEntryAgeMs(null).setTtlMs(null).setTokensSaved(0).setKeyHash("k").build();
    }

    private List<String> keys(Object event) {
        Decoded d = mapper.map(event, T);
        return d.dimensionKeys();
    }

    @Test
    void eventsOfOneCombinationShareOneListOfKeys() {
        List<String> first = keys(request("code", "gpt-4o", "acme"));
        List<String> second = keys(request("code", "gpt-4o", "acme"));
        assertThat(first).containsExactly("ALL|*", "REQUEST_TYPE|code", "MODEL|gpt-4o",
                "REQUEST_TYPE_MODEL|code|gpt-4o", "TENANT|acme");
        assertThat(second).isSameAs(first);
        assertThat(keys(request("code", "gpt-4o", "initech"))).isNotSameAs(first)
                .containsExactly("ALL|*", "REQUEST_TYPE|code", "MODEL|gpt-4o", "REQUEST_TYPE_MODEL|code|gpt-4o",
                        "TENANT|initech");
    }

    @Test
    void cacheKeysNeverCollideWithModelKeysOfTheSameStrings() {
        // Parts (type, model, tenant) = (a, b, c) and (type, tenant, tier, namespace) = (a, b, SEMANTIC, c).
        List<String> model = keys(request("a", "b", "c"));
        List<String> cache = keys(cache("a", "b", CacheTier.SEMANTIC, "c"));
        assertThat(cache).containsExactly("ALL|*", "REQUEST_TYPE|a", "TENANT|b", "CACHE_TIER_NAMESPACE|SEMANTIC|c");
        assertThat(model).containsExactly("ALL|*", "REQUEST_TYPE|a", "MODEL|b", "REQUEST_TYPE_MODEL|a|b", "TENANT|c");
    }

    @Test
    void keysStayRightWhenTheCacheFillsAndIsCleared() {
        int combinations = EventMapper.MAX_CACHED_KEY_LISTS + 100;
        for (int i = 0; i < combinations; i++) {
            assertThat(keys(request("t", "m" + i, "acme"))).element(2).isEqualTo("MODEL|m" + i);
        }
        for (int i = 0; i < combinations; i += 97) {
            assertThat(keys(request("t", "m" + i, "acme"))).containsExactly("ALL|*", "REQUEST_TYPE|t", "MODEL|m" + i,
                    "REQUEST_TYPE_MODEL|t|m" + i, "TENANT|acme");
        }
    }
}
