package io.meshflow.job.config;

import io.meshflow.aggregate.ApdexThresholds;
import io.meshflow.decode.EndpointNames;
import io.meshflow.decode.RecordDecoder;
import io.meshflow.time.Timing;

/**
 * What the dataflow itself needs, and nothing of where its input comes from or its output goes: so
 * a test can run the dataflow without a command line, a database or a broker.
 *
 * @param timing when buckets are written and forgotten
 * @param apdex the apdex thresholds per service
 * @param decoder the input's format, to keep a late side whole in it
 * @param endpoints how endpoints are normalised
 * @param maxEndpointsPerService distinct endpoints of a service in a day before {other}
 */
public record PipelineSettings(
        Timing timing,
        ApdexThresholds apdex,
        RecordDecoder decoder,
        EndpointNames endpoints,
        int maxEndpointsPerService) {

    public static PipelineSettings from(JobSettings settings) {
        return new PipelineSettings(
                settings.timing,
                settings.apdex,
                settings.decoder,
                settings.endpoints,
                settings.maxEndpointsPerService);
    }
}
