package io.meshflow.decode.otlp;

import java.io.IOException;

/**
 * The attributes of one span that make a side: the current semantic-convention names, and the older
 * HTTP ones SPEC 1.3 names ({@code http.method}, {@code http.status_code}), which instrumentations
 * still emit. The current name wins when a span carries both. Only these values are ever decoded;
 * other attributes are passed over by their key's bytes.
 */
final class SpanAttributes {
    private static final byte[] HTTP_REQUEST_METHOD = KeyValueReader.utf8("http.request.method");
    private static final byte[] HTTP_METHOD = KeyValueReader.utf8("http.method");
    private static final byte[] HTTP_ROUTE = KeyValueReader.utf8("http.route");
    private static final byte[] URL_TEMPLATE = KeyValueReader.utf8("url.template");
    private static final byte[] RPC_SERVICE = KeyValueReader.utf8("rpc.service");
    private static final byte[] RPC_METHOD = KeyValueReader.utf8("rpc.method");
    private static final byte[] PEER_SERVICE = KeyValueReader.utf8("peer.service");
    private static final byte[] SERVER_ADDRESS = KeyValueReader.utf8("server.address");
    private static final byte[] HTTP_RESPONSE_STATUS_CODE =
            KeyValueReader.utf8("http.response.status_code");
    private static final byte[] HTTP_STATUS_CODE = KeyValueReader.utf8("http.status_code");

    String method;
    String route;
    String urlTemplate;
    String rpcService;
    String rpcMethod;
    String peerService;
    String serverAddress;
    int responseCode;

    private String oldMethod;
    private int oldResponseCode;
    private final KeyValueReader attribute = new KeyValueReader();

    SpanAttributes() {
        clear();
    }

    void clear() {
        method = "";
        route = "";
        urlTemplate = "";
        rpcService = "";
        rpcMethod = "";
        peerService = "";
        serverAddress = "";
        responseCode = 0;
        oldMethod = "";
        oldResponseCode = 0;
    }

    /** Takes in one serialized KeyValue of the span, if it is one of those wanted. */
    void read(byte[] buffer, int at, int length) throws IOException {
        KeyValueReader a = attribute.at(buffer, at, length);
        // by length first: most attributes are passed over without comparing a byte
        switch (a.keyLength()) {
            case 10 -> {
                if (a.keyIs(HTTP_ROUTE)) {
                    route = a.text();
                } else if (a.keyIs(RPC_METHOD)) {
                    rpcMethod = a.text();
                }
            }
            case 11 -> {
                if (a.keyIs(HTTP_METHOD)) {
                    oldMethod = a.text();
                } else if (a.keyIs(RPC_SERVICE)) {
                    rpcService = a.text();
                }
            }
            case 12 -> {
                if (a.keyIs(URL_TEMPLATE)) {
                    urlTemplate = a.text();
                } else if (a.keyIs(PEER_SERVICE)) {
                    peerService = a.text();
                }
            }
            case 14 -> {
                if (a.keyIs(SERVER_ADDRESS)) {
                    serverAddress = a.text();
                }
            }
            case 16 -> {
                if (a.keyIs(HTTP_STATUS_CODE)) {
                    oldResponseCode = a.number();
                }
            }
            case 19 -> {
                if (a.keyIs(HTTP_REQUEST_METHOD)) {
                    method = a.text();
                }
            }
            case 25 -> {
                if (a.keyIs(HTTP_RESPONSE_STATUS_CODE)) {
                    responseCode = a.number();
                }
            }
            default -> {}
        }
    }

    /** After the last attribute: the older names stand in where the current ones are missing. */
    void settle() {
        if (method.isEmpty()) {
            method = oldMethod;
        }
        if (responseCode == 0) {
            responseCode = oldResponseCode;
        }
    }
}
