package io.meshflow.job.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout by stage, kept so: decode → pair → aggregate → sink, each stage depending only on the
 * stages before it and on the ground floor ({@code time}, {@code typeinfo}, the generated {@code
 * proto}); the functions in {@code udfs} never reach into the job's wiring; and the test names say
 * what a test needs ({@code *Test}: nothing but the JVM; {@code *ITCase}: a Flink MiniCluster or a
 * real server).
 */
class ArchitectureTest {

    private static final String DECODE = "io.meshflow.decode..";
    private static final String PAIR = "io.meshflow.pair..";
    private static final String AGGREGATE = "io.meshflow.aggregate..";
    private static final String SINK = "io.meshflow.sink..";
    private static final String SIM = "io.meshflow.sim..";
    private static final String TIME = "io.meshflow.time..";
    private static final String TYPEINFO = "io.meshflow.typeinfo..";
    private static final String JOB = "io.meshflow.job..";

    private static final JavaClasses PRODUCTION =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.meshflow");

    private static final JavaClasses TESTS =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                    .importPackages("io.meshflow");

    @Test
    void bothModulesAreChecked() {
        // the rules below would pass on no classes at all (udfs comes as classes or as a jar)
        for (String name :
                new String[] {
                    "io.meshflow.decode.Side",
                    "io.meshflow.pair.PairSides",
                    "io.meshflow.aggregate.MergeRows",
                    "io.meshflow.sink.RowBufferWriter",
                    "io.meshflow.time.Timing",
                    "io.meshflow.job.MeshflowJob"
                }) {
            assertThat(PRODUCTION.contain(name)).as(name).isTrue();
        }
        assertThat(TESTS.contain("io.meshflow.job.testing.Postgres")).isTrue();
    }

    @Test
    void decodingKnowsNothingOfTheLaterStages() {
        assertRule(
                noClasses()
                        .that()
                        .resideInAPackage(DECODE)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(PAIR, AGGREGATE, SINK, SIM, JOB),
                PRODUCTION);
    }

    @Test
    void pairingDependsOnlyOnDecoding() {
        assertRule(
                noClasses()
                        .that()
                        .resideInAPackage(PAIR)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(AGGREGATE, SINK, SIM, JOB),
                PRODUCTION);
    }

    @Test
    void aggregationDependsOnlyOnPairingAndDecoding() {
        assertRule(
                noClasses()
                        .that()
                        .resideInAPackage(AGGREGATE)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(SINK, SIM, JOB),
                PRODUCTION);
    }

    @Test
    void theSinkStageDoesNotReachTheJob() {
        assertRule(
                noClasses()
                        .that()
                        .resideInAnyPackage(SINK, SIM)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(JOB),
                PRODUCTION);
    }

    @Test
    void timeAndTypeInformationAreTheGroundFloor() {
        assertRule(
                noClasses()
                        .that()
                        .resideInAnyPackage(TIME, TYPEINFO)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(DECODE, PAIR, AGGREGATE, SINK, SIM, JOB),
                PRODUCTION);
    }

    /**
     * Flink's shaded copies are its internals, not an API: neither the job nor its tests use them.
     */
    @Test
    void nothingUsesFlinksShadedDependencies() {
        ArchRule rule =
                noClasses()
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("org.apache.flink.shaded..");
        assertRule(rule, PRODUCTION);
        assertRule(rule, TESTS);
    }

    @Test
    void integrationTestsRunAMiniClusterOrARealServer() {
        assertRule(
                classes()
                        .that()
                        .haveSimpleNameEndingWith("ITCase")
                        .should(
                                Conditions.dependOnAnyOf(
                                        "org.apache.flink.test.junit5.MiniClusterExtension",
                                        "io.meshflow.job.testing.Flink",
                                        "io.meshflow.job.testing.Postgres",
                                        "io.meshflow.job.testing.Kafka",
                                        "io.meshflow.job.testing.Chromium"))
                        .allowEmptyShould(false),
                TESTS);
    }

    @Test
    void unitTestsRunNeitherAMiniClusterNorAServer() {
        assertRule(
                noClasses()
                        .that()
                        .haveSimpleNameEndingWith("Test")
                        .should()
                        .dependOnClassesThat()
                        .haveFullyQualifiedName("org.apache.flink.test.junit5.MiniClusterExtension")
                        .orShould()
                        .dependOnClassesThat()
                        .resideInAPackage("org.apache.flink.runtime.minicluster..")
                        .orShould()
                        .dependOnClassesThat()
                        .haveFullyQualifiedName("io.meshflow.job.testing.Flink")
                        .orShould()
                        .dependOnClassesThat()
                        .haveFullyQualifiedName("io.meshflow.job.testing.Postgres")
                        .orShould()
                        .dependOnClassesThat()
                        .haveFullyQualifiedName("io.meshflow.job.testing.Kafka")
                        .orShould()
                        .dependOnClassesThat()
                        .haveFullyQualifiedName("io.meshflow.job.testing.Chromium"),
                TESTS);
    }

    private static void assertRule(ArchRule rule, JavaClasses classes) {
        rule.check(classes);
    }
}
