package io.beastmode.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of ksqlDB's pull queries the window stores can answer:
 * {@code SELECT * FROM <table> WHERE key = '<DIM|key>' [AND WINDOWSTART|WINDOWEND <op> '<time>']...}, op one of
 * {@code = >= > <= <}, time ISO-8601 ({@code 2026-11-26T06:00:00Z}) or epoch milliseconds. Anything else is rejected
 * with a message that says what is supported, because a silently ignored predicate would return wrong rows.
 */
record PullQuery(String table, String dimension, String dimensionKey, long startFrom, long startTo, long endFrom,
                 long endTo) {

    static final long MIN = 0L;
    /** 9999-12-31: beyond any event time, and still a valid Instant for the store query. */
    static final long MAX = 253_402_300_799_999L;

    private static final Pattern SELECT = Pattern.compile(
            "(?is)^\\s*SELECT\\s+\\*\\s+FROM\\s+([A-Za-z0-9_.\\-]+)\\s+WHERE\\s+(.+?)\\s*;?\\s*$");
    private static final Pattern PREDICATE = Pattern.compile(
            "(?is)^\\s*(KEY|ROWKEY|WINDOWSTART|WINDOWEND)\\s*(>=|<=|=|>|<)\\s*('(?:[^']|'')*'|-?\\d+)\\s*$");

    /** Thrown for any query outside the supported subset; the CLI turns it into exit code 2. */
    static final class Unsupported extends IllegalArgumentException {
        Unsupported(String message) {
            super(message + ". Supported: SELECT * FROM <metrics-tumbling|metrics-hopping|metrics_1m|metrics_5m> "
                    + "WHERE key = 'DIM|key' [AND WINDOWSTART|WINDOWEND (=|>=|>|<=|<) '<ISO-8601>'|<epoch ms>]...");
        }
    }

    static PullQuery parse(String sql) {
        Matcher m = SELECT.matcher(sql);
        if (!m.matches()) {
            throw new Unsupported("not a pull query of the form SELECT * FROM <table> WHERE ...");
        }
        String table = m.group(1);
        String key = null;
        long sf = MIN, st = MAX, ef = MIN, et = MAX;
        for (String part : m.group(2).split("(?i)\\s+AND\\s+")) {
            Matcher p = PREDICATE.matcher(part);
            if (!p.matches()) {
                throw new Unsupported("unsupported predicate '" + part.trim() + "'");
            }
            String column = p.group(1).toUpperCase(Locale.ROOT);
            String op = p.group(2);
            String literal = p.group(3);
            if (column.equals("KEY") || column.equals("ROWKEY")) {
                if (!op.equals("=") || !literal.startsWith("'")) {
                    throw new Unsupported("the key must be compared with = to a quoted string");
                }
                if (key != null) {
                    throw new Unsupported("only one key per query");
                }
                key = unquote(literal);
                continue;
            }
            long t = time(literal);
            // Strict bounds become inclusive ones on millisecond values.
            long lo = switch (op) {
                case "=", ">=" -> t;
                case ">" -> t + 1;
                default -> MIN;
            };
            long hi = switch (op) {
                case "=", "<=" -> t;
                case "<" -> t - 1;
                default -> MAX;
            };
            if (column.equals("WINDOWSTART")) {
                sf = Math.max(sf, lo);
                st = Math.min(st, hi);
            } else {
                ef = Math.max(ef, lo);
                et = Math.min(et, hi);
            }
        }
        if (key == null) {
            throw new Unsupported("a pull query needs WHERE key = '...'");
        }
        int bar = key.indexOf('|');
        if (bar <= 0) {
            throw new Unsupported("the key is the dimension key 'DIM|key', e.g. 'MODEL|gpt-4o' or 'ALL|*'; got '"
                    + key + "'");
        }
        return new PullQuery(table, key.substring(0, bar), key.substring(bar + 1), sf, st, ef, et);
    }

    /** The window name of the HTTP API for a table name, or an error naming the tables. */
    String window() {
        String t = table.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "metrics-tumbling", "metrics_tumbling", "tumbling" -> "tumbling";
            case "metrics-hopping", "metrics_hopping", "hopping" -> "hopping";
            default -> {
                if (t.startsWith("metrics_") && t.length() > "metrics_".length()) {
                    yield t.substring("metrics_".length()); // metrics_1m -> 1m: the pipeline maps sizes to stores
                }
                throw new Unsupported("unknown table '" + table + "'");
            }
        };
    }

    boolean endInRange(long windowEnd) {
        return windowEnd >= endFrom && windowEnd <= endTo;
    }

    private static String unquote(String literal) {
        return literal.substring(1, literal.length() - 1).replace("''", "'");
    }

    private static long time(String literal) {
        String v = literal.startsWith("'") ? unquote(literal) : literal;
        if (v.matches("-?\\d+")) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(v).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new Unsupported("'" + v + "' is neither ISO-8601 (2026-11-26T06:00:00Z) nor epoch milliseconds");
            }
        }
    }
}
