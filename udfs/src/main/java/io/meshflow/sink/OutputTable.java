package io.meshflow.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one description of an output table whose rows are of type {@code R}: name, meaning, key and
 * value columns, indexes. Its CREATE TABLE (both dialects), its upsert and the binding of a row to
 * that upsert all derive from it, so they cannot disagree.
 */
public final class OutputTable<R> {

    /**
     * The column of a row's whole accumulator, for {@code --write-mode merge} ({@link MergeState}).
     */
    public static final String MERGE_STATE = "merge_state";

    /** A secondary index: its name and columns. */
    public record Index(String name, List<String> columns) {}

    private final String name;
    private final String meaning;
    private final List<Column<R>> keys;
    private final List<Column<R>> values;
    private final boolean keepFirst;
    private final List<Index> indexes;

    /** Key then value columns, in parameter order. */
    private final List<Column<R>> columns;

    private OutputTable(Builder<R> b) {
        this.name = b.name;
        this.meaning = b.meaning;
        this.keys = List.copyOf(b.keys);
        this.values = List.copyOf(b.values);
        this.keepFirst = b.keepFirst;
        this.indexes = List.copyOf(b.indexes);
        List<Column<R>> all = new ArrayList<>(keys);
        all.addAll(values);
        this.columns = List.copyOf(all);
    }

    public static <R> Builder<R> named(String name, String meaning) {
        return new Builder<>(name, meaning);
    }

    public String name() {
        return name;
    }

    /** One line on what a row is. */
    public String meaning() {
        return meaning;
    }

    public List<Column<R>> keys() {
        return keys;
    }

    public List<Column<R>> values() {
        return values;
    }

    /** Key then value columns: the order of the upsert's parameters. */
    public List<Column<R>> columns() {
        return columns;
    }

    public List<Index> indexes() {
        return indexes;
    }

    /**
     * The prepared statement that writes a row: an upsert on the key that sets every value column
     * (to the new value, or to the column's merge), or, for rows that never change, an insert that
     * keeps the first row of a key.
     */
    public String upsertSql(Dialect dialect) {
        List<String> valueNames = names(values);
        if (keepFirst) {
            return dialect.insertOnce(name, names(keys), names(columns));
        }
        Map<String, String> updates = new LinkedHashMap<>();
        for (Column<R> c : values) {
            updates.put(c.name(), c.update(dialect));
        }
        return dialect.upsert(name, names(keys), valueNames, updates);
    }

    /**
     * Binds {@code row} to {@link #upsertSql}. Values are always parameters, never spliced into
     * SQL, so names with quotes, semicolons or any letters are stored verbatim.
     */
    public void bind(PreparedStatement ps, Dialect dialect, R row) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            columns.get(i).bind(ps, i + 1, dialect, row);
        }
    }

    /** Whether the table stores each row's whole accumulator, {@value #MERGE_STATE}. */
    public boolean hasMergeState() {
        return values.stream().anyMatch(c -> c.name().equals(MERGE_STATE));
    }

    /** One column of a row, selected by its key ({@link #bindKey}). */
    public String selectByKeySql(String column) {
        return "SELECT "
                + column
                + " FROM "
                + name
                + " WHERE "
                + String.join(" AND ", keys.stream().map(c -> c.name() + " = ?").toList());
    }

    /** Binds the key columns of {@code row} to {@link #selectByKeySql}. */
    public void bindKey(PreparedStatement ps, Dialect dialect, R row) throws SQLException {
        for (int i = 0; i < keys.size(); i++) {
            keys.get(i).bind(ps, i + 1, dialect, row);
        }
    }

    /** CREATE TABLE IF NOT EXISTS, one column a line; key columns carry their meaning. */
    public String createTable(Dialect dialect, boolean withComments) {
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS " + name + " (\n");
        for (Column<R> c : columns) {
            sql.append("    ").append(c.definition(dialect)).append(',');
            if (withComments && c.meaning() != null) {
                sql.append(" -- ").append(c.meaning());
            }
            sql.append('\n');
        }
        return sql.append("    PRIMARY KEY (")
                .append(String.join(", ", names(keys)))
                .append(")\n)")
                .toString();
    }

    /** CREATE INDEX IF NOT EXISTS for each index. */
    public List<String> createIndexes() {
        return indexes.stream()
                .map(
                        i ->
                                "CREATE INDEX IF NOT EXISTS "
                                        + i.name()
                                        + " ON "
                                        + name
                                        + " ("
                                        + String.join(", ", i.columns())
                                        + ")")
                .toList();
    }

    private static List<String> names(List<? extends Column<?>> columns) {
        return columns.stream().map(Column::name).toList();
    }

    /** Collects a table's columns in order. */
    public static final class Builder<R> {
        private final String name;
        private final String meaning;
        private final List<Column<R>> keys = new ArrayList<>();
        private final List<Column<R>> values = new ArrayList<>();
        private final List<Index> indexes = new ArrayList<>();
        private boolean keepFirst;

        private Builder(String name, String meaning) {
            this.name = name;
            this.meaning = meaning;
        }

        @SafeVarargs
        public final Builder<R> key(Column<R>... columns) {
            keys.addAll(List.of(columns));
            return this;
        }

        @SafeVarargs
        public final Builder<R> values(Column<R>... columns) {
            values.addAll(List.of(columns));
            return this;
        }

        public Builder<R> values(List<Column<R>> columns) {
            values.addAll(columns);
            return this;
        }

        /** Rows never change: a second row with the same key is dropped, not merged. */
        public Builder<R> keepFirst() {
            keepFirst = true;
            return this;
        }

        public Builder<R> index(String indexName, String... columns) {
            indexes.add(new Index(indexName, List.of(columns)));
            return this;
        }

        public OutputTable<R> build() {
            return new OutputTable<>(this);
        }
    }
}
