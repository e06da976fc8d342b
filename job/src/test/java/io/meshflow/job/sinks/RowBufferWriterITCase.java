package io.meshflow.job.sinks;

import io.meshflow.job.testing.Postgres;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.OutputTablesRoundTrip;

/** {@link OutputTablesRoundTrip} in a real PostgreSQL: a fresh database per test. */
class RowBufferWriterITCase extends OutputTablesRoundTrip {

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    protected String newDatabase() {
        return Postgres.newDatabase();
    }
}
