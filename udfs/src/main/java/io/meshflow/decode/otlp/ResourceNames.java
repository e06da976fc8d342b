package io.meshflow.decode.otlp;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * What a span's resource says about the service that reported it (SPEC 1.3): its {@code
 * service.name}, and its instance: {@code service.instance.id}, else {@code k8s.pod.name}, else
 * {@code host.name}. Read once per resource, not per span.
 */
final class ResourceNames {
    final String service;
    final String instance;

    private ResourceNames(String service, String instance) {
        this.service = service;
        this.instance = instance;
    }

    static ResourceNames of(Resource resource) {
        String service = "";
        String instanceId = "";
        String podName = "";
        String hostName = "";
        for (KeyValue attribute : resource.getAttributesList()) {
            switch (attribute.getKey()) {
                case "service.name" -> service = SpanAttributes.text(attribute);
                case "service.instance.id" -> instanceId = SpanAttributes.text(attribute);
                case "k8s.pod.name" -> podName = SpanAttributes.text(attribute);
                case "host.name" -> hostName = SpanAttributes.text(attribute);
                default -> {}
            }
        }
        String instance =
                !instanceId.isEmpty() ? instanceId : !podName.isEmpty() ? podName : hostName;
        return new ResourceNames(service, instance);
    }
}
