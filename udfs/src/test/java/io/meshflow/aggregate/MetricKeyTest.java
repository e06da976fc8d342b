package io.meshflow.aggregate;

import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricKeyTest {
    private static final Granularity G = Granularity.MINUTE;

    @Test
    void eachTablesFactoryAndAccessorsNameTheSameParts() {
        MetricKey edge = MetricKey.ofInstanceEdges(G, T0, "A", "A-1", "B", "B-1");
        assertThat(edge.table).isEqualTo(Table.INSTANCE_EDGES);
        assertThat(edge.sourceService()).isEqualTo("A");
        assertThat(edge.sourceInstance()).isEqualTo("A-1");
        assertThat(edge.destService()).isEqualTo("B");
        assertThat(edge.destInstance()).isEqualTo("B-1");

        MetricKey serviceEdge = MetricKey.ofServiceEdges(G, T0, "A", "B");
        assertThat(serviceEdge.sourceService()).isEqualTo("A");
        assertThat(serviceEdge.destService()).isEqualTo("B");

        assertThat(MetricKey.ofInstanceMetrics(G, T0, "B", "B-1").instance()).isEqualTo("B-1");
        assertThat(MetricKey.ofEndpointMetrics(G, T0, "B", "GET:/").endpoint()).isEqualTo("GET:/");
        assertThat(MetricKey.ofServiceMetrics(G, T0, "B").service()).isEqualTo("B");
        assertThat(MetricKey.ofServices(G, T0, "C").service()).isEqualTo("C");
        assertThat(MetricKey.ofPipelineStats(G, T0).table).isEqualTo(Table.PIPELINE_STATS);
    }

    @Test
    void askingARowForANameItsTableDoesNotHaveFails() {
        assertThatThrownBy(() -> MetricKey.ofServiceEdges(G, T0, "A", "B").service())
                .hasMessageContaining("service_edges rows have no service");
        assertThatThrownBy(() -> MetricKey.ofServiceMetrics(G, T0, "B").destService())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MetricKey.ofPipelineStats(G, T0).endpoint())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHashIsTheSameInEveryJvm() {
        // keyed state and the shuffle place keys by this hash: it must not depend on the JVM
        assertThat(MetricKey.ofInstanceEdges(G, T0, "A", "A-1", "B", "B-1").hashCode())
                .isEqualTo(HASH);
        assertThat(MetricKey.ofInstanceEdges(G, T0, "A", "A-1", "B", "B-1"))
                .isEqualTo(new MetricKey(Table.INSTANCE_EDGES, G, T0, "A", "A-1", "B", "B-1"));
    }

    private static final int HASH = 1_747_768_839;
}
