package io.beastmode.proposals;

import java.util.Objects;

/**
 * What a proposal acts on, mirroring {@code ProposalTarget.avsc}. {@link #toString()} is the canonical 'TYPE:key'
 * form used as the proposal topic's record key.
 */
public record Target(Type type, String key) implements Comparable<Target> {

    public enum Type { REQUEST_TYPE, MODEL, TENANT, CACHE_NAMESPACE }

    public Target {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
    }

    public static Target requestType(String requestType) {
        return new Target(Type.REQUEST_TYPE, requestType);
    }

    public static Target model(String model) {
        return new Target(Type.MODEL, model);
    }

    public static Target tenant(String tenant) {
        return new Target(Type.TENANT, tenant);
    }

    /** Cache targets are 'TIER/namespace', as the schema's example 'SEMANTIC/faq'. */
    public static Target cacheNamespace(String tier, String namespace) {
        return new Target(Type.CACHE_NAMESPACE, tier + "/" + namespace);
    }

    @Override
    public int compareTo(Target o) {
        int c = type.compareTo(o.type);
        return c != 0 ? c : key.compareTo(o.key);
    }

    @Override
    public String toString() {
        return type + ":" + key;
    }
}
