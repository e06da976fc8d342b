package io.meshflow.sink;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sql/schema-*.sql are generated from {@link OutputTables}: users read them and Docker runs them,
 * so they must say what the job creates. {@code -Dmeshflow.regenerateSchema=true} rewrites them.
 */
class SchemaFilesTest {

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theCheckedInSchemaFileIsTheGeneratedOne(Dialect dialect) throws IOException {
        Path file = Path.of("..", "sql", dialect.schemaFile());
        String generated = OutputTables.schemaFile(dialect);
        if (Boolean.getBoolean("meshflow.regenerateSchema")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }

        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(
                        "sql/%s differs from OutputTables: regenerate it with ./mvnw -B -ntp -pl"
                                + " udfs test -Dtest=SchemaFilesTest -Dmeshflow.regenerateSchema=true",
                        dialect.schemaFile())
                .isEqualTo(generated);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theDialectFollowsTheJdbcUrlAndNamesItsSchemaFile(Dialect dialect) {
        String url = dialect == Dialect.POSTGRES ? "jdbc:postgresql://db/m" : "jdbc:sqlite:m.db";
        assertThat(Dialect.forUrl(url)).isEqualTo(dialect);
        assertThat(dialect.schemaFile())
                .isEqualTo(
                        dialect == Dialect.POSTGRES ? "schema-postgres.sql" : "schema-sqlite.sql");
    }
}
