package io.meshflow.sink;

/** {@link OutputTablesRoundTrip} in SQLite, in memory: a fresh database per connection. */
class RowBufferWriterTest extends OutputTablesRoundTrip {

    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    protected String newDatabase() {
        return "jdbc:sqlite::memory:";
    }
}
