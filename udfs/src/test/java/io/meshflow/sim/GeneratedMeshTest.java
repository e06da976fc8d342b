package io.meshflow.sim;

import io.meshflow.proto.HTTPServiceMeshMetric;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A mesh generated to a shape has the services, instances and endpoints the shape asks for. */
class GeneratedMeshTest {

    @Test
    void requestsReachEveryServiceInstanceAndEndpointOfTheShape() {
        MeshShape shape = new MeshShape(40, 120, 200);
        MeshSimulator simulator = new MeshSimulator(7, MeshSimulator.DEFAULT_START, 1000, shape);
        Set<String> services = new HashSet<>();
        Set<String> instances = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (long n = 0; n < 100_000; n++) {
            for (HTTPServiceMeshMetric side :
                    simulator.request(n).getHttpMetrics().getMetricsList()) {
                services.add(side.getDestServiceName());
                instances.add(side.getDestServiceInstance());
                endpoints.add(side.getDestServiceName() + " " + side.getEndpoint());
            }
        }
        assertThat(services).hasSize(40);
        assertThat(instances).hasSize(120);
        assertThat(endpoints).hasSize(200);
    }

    @Test
    void theSameSeedGeneratesTheSameMesh() {
        MeshShape shape = new MeshShape(100, 300, 500);
        MeshSimulator a = new MeshSimulator(3, MeshSimulator.DEFAULT_START, 1000, shape);
        MeshSimulator b = new MeshSimulator(3, MeshSimulator.DEFAULT_START, 1000, shape);
        for (long n = 0; n < 1_000; n++) {
            assertThat(b.request(n)).isEqualTo(a.request(n));
        }
    }

    @Test
    void aShapeTooSmallForItsServicesIsRefused() {
        assertThatThrownBy(() -> new MeshShape(10, 5, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
