package io.beastmode.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

/**
 * Every option can also be set from the environment: {@code --bootstrap-servers} reads
 * {@code BEAST_BOOTSTRAP_SERVERS}. A flag on the command line wins over the variable, the variable over the built-in
 * default. One rule for all commands, so deployment files (docker-compose, Kubernetes) can be checked against it.
 */
public final class EnvDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;

    public EnvDefaults() {
        this(System.getenv());
    }

    EnvDefaults(Map<String, String> env) {
        this.env = env;
    }

    /** {@code --schema-registry} -> {@code BEAST_SCHEMA_REGISTRY}. */
    public static String variableFor(OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "");
        return "BEAST_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = env.get(variableFor(option));
        return value == null || value.isEmpty() ? null : value;
    }
}
