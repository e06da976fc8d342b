package io.meshflow.sim;

import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.testing.Sides;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated mesh is repeatable and looks like a mesh: mostly paired calls, and every
 * irregularity SPEC 3 names.
 */
class MeshSimulatorTest {
    private static final int REQUESTS = 20_000;

    /** The job's default --generator.seed. */
    private static final long SEED = 42;

    private static final List<SideBatch> batches = new ArrayList<>();
    private static final List<ServiceMeshMetrics> messages = new ArrayList<>();

    @BeforeAll
    static void simulate() {
        MeshSimulator simulator = new MeshSimulator(SEED);
        for (int n = 0; n < REQUESTS; n++) {
            ServiceMeshMetrics message = simulator.request(n);
            messages.add(message);
            batches.add(Sides.DECODER.decode(message.toByteArray(), "generator/" + n, 0));
        }
    }

    @Test
    void theSameSeedGivesTheSameRequests() {
        MeshSimulator a = new MeshSimulator(SEED);
        MeshSimulator b = new MeshSimulator(SEED);
        for (long n = 0; n < 1_000; n++) {
            assertThat(b.request(n)).as("request %s", n).isEqualTo(a.request(n));
        }
        assertThat(a.request(17).toByteArray()).isEqualTo(messages.get(17).toByteArray());
    }

    @Test
    void aRequestDoesNotDependOnWhichRequestsCameBefore() {
        MeshSimulator fresh = new MeshSimulator(SEED);
        assertThat(fresh.request(12_345)).isEqualTo(messages.get(12_345));
        assertThat(fresh.request(3)).isEqualTo(messages.get(3));
    }

    @Test
    void anotherSeedGivesOtherRequests() {
        MeshSimulator other = new MeshSimulator(SEED + 1);
        int same = 0;
        for (int n = 0; n < 1_000; n++) {
            if (other.request(n).equals(messages.get(n))) {
                same++;
            }
        }
        assertThat(same).isZero();
    }

    @Test
    void everyRequestHasSidesAndEverySideDecodesWithoutDeadLetters() {
        int sides = 0;
        for (int n = 0; n < REQUESTS; n++) {
            int reported = messages.get(n).getHttpMetrics().getMetricsCount();
            SideBatch batch = batches.get(n);
            assertThat(reported)
                    .as("a request nobody reported does not exist: request %s", n)
                    .isPositive();
            assertThat(batch.sides).as("request %s", n).hasSize(reported);
            assertThat(batch.deadLetters).as("request %s", n).isEmpty();
            sides += reported;
        }
        assertThat(sides)
                .as("about two sides per request")
                .isBetween(REQUESTS * 17 / 10, REQUESTS * 21 / 10);
    }

    @Test
    void requestsThatOnceHadNoSideAndCrashedOnADuplicateNowHaveOne() {
        // (seed, n) where an unreached ingress request had no side, so duplicating "one of its
        // sides" threw
        // IllegalArgumentException: 42 is the job's default seed, and 69,890 < its default 100,000
        // requests.
        long[][] cases = {{42, 69_890}, {5, 4_316}, {10, 41_193}, {20, 44_809}, {1, 16}};
        for (long[] c : cases) {
            ServiceMeshMetrics message = new MeshSimulator(c[0]).request(c[1]);
            assertThat(message.getHttpMetrics().getMetricsCount())
                    .as("seed %s request %s", c[0], c[1])
                    .isPositive();
        }
    }

    @Test
    void aboutTwentyServicesAppear() {
        Set<String> services = new TreeSet<>();
        for (SideBatch batch : batches) {
            for (Side side : batch.sides) {
                if (!side.sourceService.isEmpty()) {
                    services.add(side.sourceService);
                }
                services.add(side.destService);
            }
        }
        assertThat(services)
                .hasSizeBetween(18, 25)
                .contains(
                        "istio-ingressgateway",
                        "frontend",
                        "checkout",
                        "payment",
                        "api.stripe.com");
    }

    @Test
    void callsComeFromOutsideTheMeshThroughTheIngressGateway() {
        assertThat(batches)
                .flatExtracting(b -> List.of(b.sides))
                .filteredOn(s -> s.sourceService.isEmpty())
                .isNotEmpty()
                .allSatisfy(
                        s -> {
                            assertThat(s.client).as("nobody outside the mesh reports").isFalse();
                            assertThat(s.destService).isEqualTo("istio-ingressgateway");
                        });
    }

    @Test
    void allSidesOfARequestShareOneRequestIdAndNoTwoRequestsDo() {
        Set<String> requestIds = new HashSet<>();
        for (SideBatch batch : batches) {
            String id = batch.sides[0].requestId;
            assertThat(id).isNotEmpty();
            assertThat(batch.sides).extracting(s -> s.requestId).containsOnly(id);
            assertThat(requestIds.add(id)).as("request id %s is new", id).isTrue();
        }
    }

    @Test
    void oneSidedRetriedAndDuplicatedRequestsComeInPlausibleProportions() {
        int paired = 0;
        int clientOnly = 0;
        int serverOnly = 0;
        int retried = 0;
        int duplicates = 0;
        for (SideBatch batch : batches) {
            List<Side> distinct = new ArrayList<>();
            for (Side side : batch.sides) {
                if (distinct.stream().anyMatch(side::sameReportAs)) {
                    duplicates++;
                } else {
                    distinct.add(side);
                }
            }
            long clients = distinct.stream().filter(s -> s.client).count();
            long servers = distinct.size() - clients;
            assertThat(clients).as("one client side at most").isLessThanOrEqualTo(1);
            assertThat(servers).as("two server attempts at most").isLessThanOrEqualTo(2);
            if (clients == 1 && servers > 0) {
                paired++;
            } else if (clients == 1) {
                clientOnly++;
            } else if (servers > 0) {
                serverOnly++;
            }
            if (servers == 2) {
                retried++;
                assertThat(clients)
                        .as("only requests the client's sidecar saw are retried")
                        .isEqualTo(1);
            }
        }
        assertThat(paired).as("paired").isBetween(REQUESTS * 75 / 100, REQUESTS * 85 / 100);
        assertThat(serverOnly)
                .as("server-only (ingress traffic)")
                .isBetween(REQUESTS * 12 / 100, REQUESTS * 22 / 100);
        assertThat(clientOnly)
                .as("client-only")
                .isBetween(REQUESTS * 8 / 1000, REQUESTS * 25 / 1000);
        assertThat(retried)
                .as("retried (about 1%)")
                .isBetween(REQUESTS * 5 / 1000, REQUESTS * 15 / 1000);
        assertThat(duplicates)
                .as("duplicated sides (about 0.5%)")
                .isBetween(REQUESTS * 25 / 10000, REQUESTS * 8 / 1000);
    }

    @Test
    void aRetryIsAFailedAttemptFollowedByALaterSuccessfulOne() {
        int retries = 0;
        for (SideBatch batch : batches) {
            List<Side> servers = new ArrayList<>();
            for (Side side : batch.sides) {
                if (!side.client && servers.stream().noneMatch(side::sameReportAs)) {
                    servers.add(side);
                }
            }
            if (servers.size() == 2) {
                retries++;
                servers.sort((x, y) -> Long.compare(x.startTime, y.startTime));
                assertThat(servers.get(0).success).isFalse();
                assertThat(servers.get(1).success).isTrue();
                assertThat(servers.get(1).startTime)
                        .isGreaterThan(servers.get(0).startTime + servers.get(0).latency);
            }
        }
        assertThat(retries).isPositive();
    }

    @Test
    void eventTimesIncreaseWithTheRequestNumber() {
        long previous = Long.MIN_VALUE;
        for (int n = 0; n < REQUESTS; n++) {
            SideBatch batch = batches.get(n);
            long slotStart = MeshSimulator.DEFAULT_START + n * 10L;
            assertThat(batch.eventTime).as("request %s", n).isBetween(slotStart, slotStart + 10);
            assertThat(batch.eventTime).as("request %s", n).isGreaterThanOrEqualTo(previous);
            previous = batch.eventTime;
        }
        assertThat(previous).isGreaterThan(MeshSimulator.DEFAULT_START + (REQUESTS - 2) * 10L);
    }

    @Test
    void theStartTimeIsTheEventTimeOfRequestZeroAndWithoutSpacingOfEveryRequest() {
        long start = 1_800_000_000_000L;
        MeshSimulator simulator = new MeshSimulator(SEED, start, 0);
        for (int n : new int[] {0, 1, 500}) {
            SideBatch batch =
                    Sides.DECODER.decode(simulator.request(n).toByteArray(), "generator/" + n, 0);
            assertThat(batch.sides).isNotEmpty();
            assertThat(batch.eventTime).as("request %s", n).isBetween(start, start + 1);
        }
    }

    @Test
    void connectionsAreRepeatableAndGiveEveryKindOfTcpSide() {
        MeshSimulator a = new MeshSimulator(SEED);
        MeshSimulator b = new MeshSimulator(SEED);
        int clientOnly = 0, serverOnly = 0, bothEnds = 0, failed = 0, sides = 0;
        Set<String> edges = new TreeSet<>();
        long previousStart = 0;
        for (long n = 0; n < 5_000; n++) {
            ServiceMeshMetrics message = a.connection(n);
            assertThat(b.connection(n)).isEqualTo(message);
            SideBatch batch = Sides.DECODER.decode(message.toByteArray(), "generator/" + n, 0);
            assertThat(batch.deadLetters).as("connection %s", n).isEmpty();
            assertThat(batch.sides).isNotEmpty().allSatisfy(s -> assertThat(s.tcp).isTrue());
            sides += batch.sides.length;
            boolean client = false, server = false;
            for (Side side : batch.sides) {
                client |= side.client;
                server |= !side.client;
                failed += side.client && !side.internalErrorCode.isEmpty() ? 1 : 0;
                assertThat(side.endTime).isGreaterThanOrEqualTo(side.startTime);
                edges.add(side.sourceService + " -> " + side.destService);
            }
            if (client && server) {
                bothEnds++;
            } else if (client) {
                clientOnly++;
            } else {
                serverOnly++;
            }
            assertThat(batch.eventTime).isGreaterThan(previousStart - 100);
            previousStart = batch.eventTime;
        }
        assertThat(edges)
                .containsExactly(
                        " -> mysql",
                        "cart -> redis",
                        "inventory -> redis",
                        "reviews -> mysql",
                        "user -> postgres.internal");
        assertThat(bothEnds).isBetween(3_000, 4_000);
        assertThat(clientOnly).isBetween(700, 1_200);
        assertThat(serverOnly).isBetween(250, 450);
        assertThat(failed).as("about 2% fail").isBetween(50, 150);
        assertThat(sides).isGreaterThan(5_000 + bothEnds - 1);
    }

    @Test
    void recordsInterleaveAConnectionAfterEveryTenRequests() {
        MeshSimulator simulator = new MeshSimulator(SEED);
        assertThat(MeshSimulator.records(300)).isEqualTo(330);
        assertThat(MeshSimulator.records(305)).isEqualTo(335);
        assertThat(simulator.record(0)).isEqualTo(messages.get(0));
        assertThat(simulator.record(9)).isEqualTo(messages.get(9));
        assertThat(simulator.record(10)).isEqualTo(simulator.connection(0));
        assertThat(simulator.record(11)).isEqualTo(messages.get(10));
        assertThat(simulator.record(334)).isEqualTo(messages.get(304));
    }
}
