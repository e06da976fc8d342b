package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.time.Granularity;

import java.io.Serializable;

/**
 * Decides which rows of which tables one pairing event counts in, and how (SPEC sections 3 and 4):
 * node tables take the node view, edge tables the edge view, pipeline_stats counts sides in their
 * own minute and calls in the call's minute. Rows are addressed at minute granularity; hours and
 * days are merged from them.
 */
public final class CallRouter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The node of callers without a name. */
    public static final String UNKNOWN = "unknown";

    /**
     * Where rows live: returns the accumulator of the minute row with the given key, creating it if
     * needed.
     */
    @FunctionalInterface
    public interface Rows {
        /** The row of {@code table} whose names are, in order, MetricKey's {@code name1..name4}. */
        MetricsAccumulator row(
                Table table, long minuteStart, String n1, String n2, String n3, String n4);

        default MetricsAccumulator serviceMetrics(long minuteStart, String service) {
            return row(Table.SERVICE_METRICS, minuteStart, service, "", "", "");
        }

        default MetricsAccumulator instanceMetrics(
                long minuteStart, String service, String instance) {
            return row(Table.INSTANCE_METRICS, minuteStart, service, instance, "", "");
        }

        default MetricsAccumulator endpointMetrics(
                long minuteStart, String service, String endpoint) {
            return row(Table.ENDPOINT_METRICS, minuteStart, service, endpoint, "", "");
        }

        default MetricsAccumulator serviceEdges(
                long minuteStart, String sourceService, String destService) {
            return row(Table.SERVICE_EDGES, minuteStart, sourceService, destService, "", "");
        }

        default MetricsAccumulator instanceEdges(
                long minuteStart,
                String sourceService,
                String sourceInstance,
                String destService,
                String destInstance) {
            return row(
                    Table.INSTANCE_EDGES,
                    minuteStart,
                    sourceService,
                    sourceInstance,
                    destService,
                    destInstance);
        }

        default MetricsAccumulator tcpServiceEdges(
                long minuteStart, String sourceService, String destService) {
            return row(Table.TCP_SERVICE_EDGES, minuteStart, sourceService, destService, "", "");
        }

        default MetricsAccumulator tcpInstanceEdges(
                long minuteStart,
                String sourceService,
                String sourceInstance,
                String destService,
                String destInstance) {
            return row(
                    Table.TCP_INSTANCE_EDGES,
                    minuteStart,
                    sourceService,
                    sourceInstance,
                    destService,
                    destInstance);
        }

        default MetricsAccumulator pipelineStats(long minuteStart) {
            return row(Table.PIPELINE_STATS, minuteStart, "", "", "", "");
        }

        default MetricsAccumulator services(long minuteStart, String service) {
            return row(Table.SERVICES, minuteStart, service, "", "", "");
        }
    }

    private final ApdexThresholds apdex;

    public CallRouter(ApdexThresholds apdex) {
        this.apdex = apdex;
    }

    public void route(CallEvent e, Rows rows) {
        switch (e.kind) {
            case DUPLICATE -> {
                MetricsAccumulator stats = stats(rows, sideStart(e));
                stats.sides++;
                stats.duplicateSides++;
            }
            case LATE -> {
                MetricsAccumulator stats = stats(rows, sideStart(e));
                stats.sides++;
                stats.lateSides++;
            }
            case IGNORED -> stats(rows, e.callTime).ignoredSpans++;
            case RETRY -> routeRetry(e, rows);
            case TCP -> routeTcp(e, rows);
            default -> routeCall(e, rows);
        }
    }

    private void routeCall(CallEvent e, Rows rows) {
        long minute = minute(e.callTime);
        countSides(e, rows);
        MetricsAccumulator stats = rows.pipelineStats(minute);
        long threshold = apdex.thresholdMs(e.destService);

        addNodeView(e, rows, minute, threshold);

        String source = e.sourceService.isEmpty() ? UNKNOWN : e.sourceService;
        MetricsAccumulator edge = rows.serviceEdges(minute, source, e.destService);
        edge.addCall(e.edgeLatency, e.edgeSuccess, e.edgeResponseCode, threshold);
        if (e.mtls) {
            edge.mtlsCalls++;
        }
        switch (e.kind) {
            case PAIRED -> {
                stats.pairedCalls++;
                edge.pairedCalls++;
                edge.clientLatencySumMs += e.clientLatency;
                edge.serverLatencySumMs += e.serverLatency;
            }
            case CLIENT_ONLY -> {
                stats.clientOnlyCalls++;
                edge.clientOnlyCalls++;
            }
            default -> {
                stats.serverOnlyCalls++;
                edge.serverOnlyCalls++;
            }
        }
        if (e.endpointOverflow) {
            stats.endpointOverflowCalls++;
        }
        if (!e.sourceInstance.isEmpty() && !e.destInstance.isEmpty()) {
            MetricsAccumulator instanceEdge =
                    rows.instanceEdges(
                            minute, source, e.sourceInstance, e.destService, e.destInstance);
            instanceEdge.addCall(e.edgeLatency, e.edgeSuccess, e.edgeResponseCode, threshold);
            if (e.kind == CallEvent.Kind.PAIRED) {
                instanceEdge.pairedCalls++;
            }
        }

        boolean clientReported = e.kind != CallEvent.Kind.SERVER_ONLY;
        boolean serverReported = e.kind != CallEvent.Kind.CLIENT_ONLY;
        ServiceKind sourceKind =
                e.sourceService.isEmpty()
                        ? ServiceKind.UNKNOWN
                        : clientReported ? ServiceKind.MESH : ServiceKind.EXTERNAL;
        rows.services(minute, source).seen(e.callTime, sourceKind);
        rows.services(minute, e.destService)
                .seen(e.callTime, serverReported ? ServiceKind.MESH : ServiceKind.EXTERNAL);
    }

    /**
     * A TCP side (SPEC 3, TCP): counted once, from its own end, in the minute of its startTime; its
     * reporter is a mesh service, the other end external when named, unknown when not.
     */
    private static void routeTcp(CallEvent e, Rows rows) {
        long minute = minute(e.callTime);
        countSides(e, rows);
        String source = e.sourceService.isEmpty() ? UNKNOWN : e.sourceService;
        rows.tcpServiceEdges(minute, source, e.destService)
                .addConnection(
                        e.tcpClient,
                        e.tcpFailed,
                        e.mtls,
                        e.sentBytes,
                        e.receivedBytes,
                        e.durationMs);
        if (!e.sourceInstance.isEmpty() && !e.destInstance.isEmpty()) {
            rows.tcpInstanceEdges(minute, source, e.sourceInstance, e.destService, e.destInstance)
                    .addConnection(
                            e.tcpClient,
                            e.tcpFailed,
                            e.mtls,
                            e.sentBytes,
                            e.receivedBytes,
                            e.durationMs);
        }
        ServiceKind sourceKind =
                e.sourceService.isEmpty()
                        ? ServiceKind.UNKNOWN
                        : e.tcpClient ? ServiceKind.MESH : ServiceKind.EXTERNAL;
        rows.services(minute, source).seen(e.callTime, sourceKind);
        rows.services(minute, e.destService)
                .seen(e.callTime, e.tcpClient ? ServiceKind.EXTERNAL : ServiceKind.MESH);
    }

    /** A server attempt beyond the first: the server did serve it, so node metrics count it. */
    private void routeRetry(CallEvent e, Rows rows) {
        long minute = minute(e.callTime);
        countSides(e, rows);
        addNodeView(e, rows, minute, apdex.thresholdMs(e.destService));
        String source = e.sourceService.isEmpty() ? UNKNOWN : e.sourceService;
        rows.serviceEdges(minute, source, e.destService).serverRetries++;
        rows.services(minute, e.destService).seen(e.callTime, ServiceKind.MESH);
    }

    private static void addNodeView(CallEvent e, Rows rows, long minute, long threshold) {
        rows.serviceMetrics(minute, e.destService)
                .addCall(e.nodeLatency, e.nodeSuccess, e.nodeResponseCode, threshold);
        if (!e.destInstance.isEmpty()) {
            rows.instanceMetrics(minute, e.destService, e.destInstance)
                    .addCall(e.nodeLatency, e.nodeSuccess, e.nodeResponseCode, threshold);
        }
        if (!e.endpoint.isEmpty()) {
            rows.endpointMetrics(minute, e.destService, e.endpoint)
                    .addCall(e.nodeLatency, e.nodeSuccess, e.nodeResponseCode, threshold);
        }
    }

    /** pipeline_stats.sides counts each side in the minute of its own startTime. */
    private static void countSides(CallEvent e, Rows rows) {
        if (e.clientStart >= 0) {
            stats(rows, e.clientStart).sides++;
        }
        if (e.serverStart >= 0) {
            stats(rows, e.serverStart).sides++;
        }
    }

    private static MetricsAccumulator stats(Rows rows, long time) {
        return rows.pipelineStats(minute(time));
    }

    private static long sideStart(CallEvent e) {
        return e.clientStart >= 0 ? e.clientStart : e.serverStart;
    }

    private static long minute(long time) {
        return Granularity.MINUTE.bucketStart(time);
    }
}
