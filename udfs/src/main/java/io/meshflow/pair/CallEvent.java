package io.meshflow.pair;

import io.meshflow.decode.Side;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What pairing tells aggregation: a call (paired or one-sided), a server retry attempt, or a side
 * that was dropped as a duplicate or as late (those only count in pipeline_stats). Serialized by
 * {@link CallEventSerializer}.
 */
@TypeInfo(CallEventSerializer.Factory.class)
public class CallEvent {

    /** The kinds of event; see SPEC section 3. */
    public enum Kind {
        PAIRED,
        CLIENT_ONLY,
        SERVER_ONLY,
        /** A later different server side of a call: counted in node metrics and server_retries. */
        RETRY,
        DUPLICATE,
        LATE,
        /**
         * An OpenTelemetry span that is not a call between services (SPEC 1.3): counted in
         * pipeline_stats.ignored_spans only, in the minute of {@link #callTime}.
         */
        IGNORED,
        /** A TCP side: one end's report of one connection, counted in the tcp_* tables. */
        TCP
    }

    public Kind kind;

    /** The client side's startTime, else the server side's: decides the bucket. */
    public long callTime;

    /**
     * Start times of the sides this event accounts for (-1 when absent), for pipeline_stats.sides.
     */
    public long clientStart = -1;

    public long serverStart = -1;

    public String sourceService;
    public String sourceInstance;
    public String destService;
    public String destInstance;
    public String endpoint;

    /** The endpoint is {@code {other}}: its service had too many endpoints that day. */
    public boolean endpointOverflow;

    /** The node view: the server's when there is a server side. */
    public int nodeLatency;

    public boolean nodeSuccess;
    public int nodeResponseCode;

    /** The edge view: the client's when there is a client side. */
    public int edgeLatency;

    public boolean edgeSuccess;
    public int edgeResponseCode;

    /** tlsMode "mTLS" in the server's view, else the client's. */
    public boolean mtls;

    /** Both latencies of a paired call, for the sidecar and network overhead. */
    public int clientLatency;

    public int serverLatency;

    /** A TCP side's: reported by the client (source) end, else by the server end. */
    public boolean tcpClient;

    /** A TCP side's: the proxy gave an error code. */
    public boolean tcpFailed;

    /** A TCP side's bytes, as its reporting end counted them. */
    public long sentBytes;

    public long receivedBytes;

    /** A TCP side's connection lifetime: endTime - startTime. */
    public long durationMs;

    public CallEvent() {}

    public CallEvent copy() {
        CallEvent c = new CallEvent();
        c.kind = kind;
        c.callTime = callTime;
        c.clientStart = clientStart;
        c.serverStart = serverStart;
        c.sourceService = sourceService;
        c.sourceInstance = sourceInstance;
        c.destService = destService;
        c.destInstance = destInstance;
        c.endpoint = endpoint;
        c.endpointOverflow = endpointOverflow;
        c.nodeLatency = nodeLatency;
        c.nodeSuccess = nodeSuccess;
        c.nodeResponseCode = nodeResponseCode;
        c.edgeLatency = edgeLatency;
        c.edgeSuccess = edgeSuccess;
        c.edgeResponseCode = edgeResponseCode;
        c.mtls = mtls;
        c.clientLatency = clientLatency;
        c.serverLatency = serverLatency;
        c.tcpClient = tcpClient;
        c.tcpFailed = tcpFailed;
        c.sentBytes = sentBytes;
        c.receivedBytes = receivedBytes;
        c.durationMs = durationMs;
        return c;
    }

    /** A paired call: node metrics from the server's view, edge metrics from the client's. */
    public static CallEvent paired(Side client, Side server) {
        CallEvent e = new CallEvent();
        e.kind = Kind.PAIRED;
        e.callTime = client.startTime;
        e.clientStart = client.startTime;
        e.serverStart = server.startTime;
        e.names(client, server);
        e.nodeView(server);
        e.edgeView(client);
        e.mtls = isMtls(server.tlsMode);
        e.clientLatency = client.latency;
        e.serverLatency = server.latency;
        return e;
    }

    /** A call only one side reported; its one view serves both node and edge metrics. */
    public static CallEvent oneSided(Side side) {
        CallEvent e = new CallEvent();
        e.kind = side.client ? Kind.CLIENT_ONLY : Kind.SERVER_ONLY;
        e.callTime = side.startTime;
        if (side.client) {
            e.clientStart = side.startTime;
        } else {
            e.serverStart = side.startTime;
        }
        e.names(side, side);
        e.nodeView(side);
        e.edgeView(side);
        e.mtls = isMtls(side.tlsMode);
        return e;
    }

    /**
     * A server attempt beyond the first, counted in the bucket of the call it belongs to.
     *
     * @param caller the source service of the call as it was counted: the edge of a span's retry,
     *     since a SERVER span does not name its caller (a SkyWalking side does, the same one)
     */
    public static CallEvent retry(Side server, long callTime, String caller) {
        CallEvent e = oneSided(server);
        e.kind = Kind.RETRY;
        e.callTime = callTime;
        if (server.keyedByRequestId && server.sourceService.isEmpty() && caller != null) {
            e.sourceService = caller;
        }
        return e;
    }

    /** An ignored span (see {@link Kind#IGNORED}) that started at {@code startTime}. */
    public static CallEvent ignored(long startTime) {
        CallEvent e = new CallEvent();
        e.kind = Kind.IGNORED;
        e.callTime = startTime;
        return e;
    }

    /** A side counted only in pipeline_stats, in the bucket of its own startTime. */
    public static CallEvent dropped(Kind kind, Side side) {
        CallEvent e = new CallEvent();
        e.kind = kind;
        e.callTime = side.startTime;
        if (side.client) {
            e.clientStart = side.startTime;
        } else {
            e.serverStart = side.startTime;
        }
        return e;
    }

    /** A TCP side, counted on its own in the minute of its startTime. */
    public static CallEvent tcp(Side side) {
        CallEvent e = new CallEvent();
        e.kind = Kind.TCP;
        e.callTime = side.startTime;
        if (side.client) {
            e.clientStart = side.startTime;
        } else {
            e.serverStart = side.startTime;
        }
        e.sourceService = side.sourceService;
        e.sourceInstance = side.sourceInstance;
        e.destService = side.destService;
        e.destInstance = side.destInstance;
        e.endpoint = "";
        e.tcpClient = side.client;
        e.tcpFailed = !side.internalErrorCode.isEmpty();
        e.mtls = isMtls(side.tlsMode);
        e.sentBytes = side.sentBytes;
        e.receivedBytes = side.receivedBytes;
        e.durationMs = side.endTime - side.startTime;
        return e;
    }

    public boolean isCall() {
        return kind == Kind.PAIRED || kind == Kind.CLIENT_ONLY || kind == Kind.SERVER_ONLY;
    }

    /**
     * Source instance as its client knows it, destination instance and endpoint as its server knows
     * them.
     */
    private void names(Side client, Side server) {
        sourceService = client.sourceService;
        sourceInstance =
                client.sourceInstance.isEmpty() ? server.sourceInstance : client.sourceInstance;
        destService = server.destService;
        destInstance = server.destInstance.isEmpty() ? client.destInstance : server.destInstance;
        endpoint = server.endpoint.isEmpty() ? client.endpoint : server.endpoint;
    }

    private void nodeView(Side side) {
        nodeLatency = side.latency;
        nodeSuccess = side.success;
        nodeResponseCode = side.responseCode;
    }

    private void edgeView(Side side) {
        edgeLatency = side.latency;
        edgeSuccess = side.success;
        edgeResponseCode = side.responseCode;
    }

    private static boolean isMtls(String tlsMode) {
        return "mTLS".equals(tlsMode);
    }

    @Override
    public String toString() {
        return kind + " " + sourceService + "->" + destService + " @" + callTime;
    }
}
