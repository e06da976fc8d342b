package io.meshflow.sim;

import java.io.Serializable;

/**
 * The size of a generated mesh, for {@link MeshSimulator}: how many services, service instances and
 * endpoints it has in all (instances and endpoints spread evenly over the services, at least one of
 * each per service). Without a shape the simulator runs its built-in mesh of 20 services.
 */
public record MeshShape(int services, int instances, int endpoints) implements Serializable {

    public MeshShape {
        if (services < 2 || instances < services || endpoints < services) {
            throw new IllegalArgumentException(
                    "a mesh needs at least 2 services and an instance and an endpoint for each, got "
                            + this);
        }
    }

    /** The benchmark's large mesh: 1,000 services, 10,000 instances, 20,000 endpoints. */
    public static final MeshShape LARGE = new MeshShape(1_000, 10_000, 20_000);
}
