package io.meshflow.sink;

/** The SQL types of the output columns, spelled as each database spells them (SPEC 4). */
public enum SqlType {
    TEXT("TEXT", "TEXT"),
    /** UTC: PostgreSQL TIMESTAMP, SQLite text 'YYYY-MM-DD HH:MM:SS' (see {@link Dialect}). */
    TIMESTAMP("TIMESTAMP", "TEXT"),
    BIGINT("BIGINT", "INTEGER"),
    DOUBLE("DOUBLE PRECISION", "REAL"),
    BYTES("BYTEA", "BLOB");

    private final String postgres;
    private final String sqlite;

    SqlType(String postgres, String sqlite) {
        this.postgres = postgres;
        this.sqlite = sqlite;
    }

    public String in(Dialect dialect) {
        return dialect == Dialect.POSTGRES ? postgres : sqlite;
    }
}
