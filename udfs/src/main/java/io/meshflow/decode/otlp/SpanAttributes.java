package io.meshflow.decode.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * The attributes of one span that make a side, read in one pass over its attribute list: the
 * current semantic-convention names, and the older HTTP ones SPEC 1.3 names ({@code http.method},
 * {@code http.status_code}), which instrumentations still emit. The current name wins when a span
 * carries both.
 */
final class SpanAttributes {
    String method = "";
    String route = "";
    String urlTemplate = "";
    String rpcService = "";
    String rpcMethod = "";
    String peerService = "";
    String serverAddress = "";
    int responseCode;

    static SpanAttributes of(Span span) {
        SpanAttributes a = new SpanAttributes();
        String oldMethod = "";
        int oldResponseCode = 0;
        for (KeyValue attribute : span.getAttributesList()) {
            switch (attribute.getKey()) {
                case "http.request.method" -> a.method = text(attribute);
                case "http.method" -> oldMethod = text(attribute);
                case "http.route" -> a.route = text(attribute);
                case "url.template" -> a.urlTemplate = text(attribute);
                case "rpc.service" -> a.rpcService = text(attribute);
                case "rpc.method" -> a.rpcMethod = text(attribute);
                case "peer.service" -> a.peerService = text(attribute);
                case "server.address" -> a.serverAddress = text(attribute);
                case "http.response.status_code" -> a.responseCode = number(attribute);
                case "http.status_code" -> oldResponseCode = number(attribute);
                default -> {}
            }
        }
        if (a.method.isEmpty()) {
            a.method = oldMethod;
        }
        if (a.responseCode == 0) {
            a.responseCode = oldResponseCode;
        }
        return a;
    }

    /** A string attribute's value; "" for a value of another type. */
    static String text(KeyValue attribute) {
        AnyValue value = attribute.getValue();
        return value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
                ? value.getStringValue()
                : "";
    }

    /**
     * An integer attribute's value, also from a string of digits (some instrumentations write
     * status codes as strings); 0 when it is neither or does not fit an int.
     */
    static int number(KeyValue attribute) {
        AnyValue value = attribute.getValue();
        switch (value.getValueCase()) {
            case INT_VALUE:
                long n = value.getIntValue();
                return n == (int) n ? (int) n : 0;
            case STRING_VALUE:
                try {
                    return Integer.parseInt(value.getStringValue().trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            default:
                return 0;
        }
    }
}
