package io.meshflow.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One column of an output table: its name, SQL type, whether it may be NULL, how its value is read
 * from a row of type {@code R} and bound, and, for a value column, how an upsert merges it into the
 * row already stored (by default the new value replaces the old one).
 */
public final class Column<R> {

    /** Binds the column's value of {@code row} to parameter {@code index}. */
    @FunctionalInterface
    interface Binding<R> {
        void bind(PreparedStatement ps, int index, Dialect dialect, R row) throws SQLException;
    }

    /** The expression an upsert sets the column to; {@code excluded} names the new row. */
    @FunctionalInterface
    public interface Merge {
        String expression(Dialect dialect);
    }

    private final String name;
    private final SqlType type;
    private final boolean nullable;
    private final String meaning;
    private final Merge merge;
    private final Binding<R> binding;

    private Column(
            String name,
            SqlType type,
            boolean nullable,
            String meaning,
            Merge merge,
            Binding<R> binding) {
        this.name = name;
        this.type = type;
        this.nullable = nullable;
        this.meaning = meaning;
        this.merge = merge;
        this.binding = binding;
    }

    public static <R> Column<R> text(String name, Function<R, String> value) {
        return new Column<>(
                name,
                SqlType.TEXT,
                false,
                null,
                null,
                (ps, i, d, r) -> ps.setString(i, value.apply(r)));
    }

    public static <R> Column<R> bigint(String name, ToLongFunction<R> value) {
        return new Column<>(
                name,
                SqlType.BIGINT,
                false,
                null,
                null,
                (ps, i, d, r) -> ps.setLong(i, value.applyAsLong(r)));
    }

    /** A UTC time, read from the row as epoch milliseconds. */
    public static <R> Column<R> timestamp(String name, ToLongFunction<R> epochMs) {
        return new Column<>(
                name,
                SqlType.TIMESTAMP,
                false,
                null,
                null,
                (ps, i, d, r) -> d.setTimestamp(ps, i, epochMs.applyAsLong(r)));
    }

    /** A double that is NULL where the row has none (a mean over nothing). */
    public static <R> Column<R> nullableDouble(String name, Function<R, Double> value) {
        return new Column<>(
                name,
                SqlType.DOUBLE,
                true,
                null,
                null,
                (ps, i, d, r) -> {
                    Double v = value.apply(r);
                    if (v == null) {
                        ps.setNull(i, Types.DOUBLE);
                    } else {
                        ps.setDouble(i, v);
                    }
                });
    }

    public static <R> Column<R> bytes(String name, Function<R, byte[]> value) {
        return new Column<>(
                name,
                SqlType.BYTES,
                false,
                null,
                null,
                (ps, i, d, r) -> ps.setBytes(i, value.apply(r)));
    }

    /** Bytes that are NULL where the row has none. */
    public static <R> Column<R> nullableBytes(String name, Function<R, byte[]> value) {
        return new Column<>(
                name,
                SqlType.BYTES,
                true,
                null,
                null,
                (ps, i, d, r) -> {
                    byte[] v = value.apply(r);
                    if (v == null) {
                        ps.setNull(i, Types.BINARY);
                    } else {
                        ps.setBytes(i, v);
                    }
                });
    }

    /** The same column, explained (key columns say what they name). */
    public Column<R> meaning(String meaning) {
        return new Column<>(name, type, nullable, meaning, merge, binding);
    }

    /** The same column, merged into the stored row by {@code merge} instead of replacing it. */
    public Column<R> mergedBy(Merge merge) {
        return new Column<>(name, type, nullable, meaning, merge, binding);
    }

    public String name() {
        return name;
    }

    public SqlType type() {
        return type;
    }

    public boolean nullable() {
        return nullable;
    }

    /** What the column holds, or null where its name says it. */
    public String meaning() {
        return meaning;
    }

    /** What an upsert sets the column to. */
    String update(Dialect dialect) {
        return merge == null ? "excluded." + name : merge.expression(dialect);
    }

    /** {@code name TYPE [NOT NULL]}, as in CREATE TABLE. */
    String definition(Dialect dialect) {
        return name + " " + type.in(dialect) + (nullable ? "" : " NOT NULL");
    }

    void bind(PreparedStatement ps, int index, Dialect dialect, R row) throws SQLException {
        binding.bind(ps, index, dialect, row);
    }
}
