package io.meshflow.decode.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * What a span's resource says about the service that reported it (SPEC 1.3): its {@code
 * service.name}, and its instance: {@code service.instance.id}, else {@code k8s.pod.name}, else
 * {@code host.name}. Read once per resource, not per span.
 */
final class ResourceNames {
    static final ResourceNames NONE = new ResourceNames("", "");

    private static final int ATTRIBUTES = SpanWalker.tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final byte[] SERVICE_NAME = KeyValueReader.utf8("service.name");
    private static final byte[] SERVICE_INSTANCE_ID = KeyValueReader.utf8("service.instance.id");
    private static final byte[] K8S_POD_NAME = KeyValueReader.utf8("k8s.pod.name");
    private static final byte[] HOST_NAME = KeyValueReader.utf8("host.name");

    final String service;
    final String instance;

    private ResourceNames(String service, String instance) {
        this.service = service;
        this.instance = instance;
    }

    /** From a serialized {@code Resource}. */
    static ResourceNames read(byte[] buffer, int at, int length) throws IOException {
        String service = "";
        String instanceId = "";
        String podName = "";
        String hostName = "";
        KeyValueReader attribute = new KeyValueReader();
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != ATTRIBUTES) {
                in.skipField(tag);
                continue;
            }
            int attributeLength = in.readRawVarint32();
            int attributeAt = at + in.getTotalBytesRead();
            // checks the length against the bytes left before the attribute is looked into
            in.skipRawBytes(attributeLength);
            KeyValueReader a = attribute.at(buffer, attributeAt, attributeLength);
            if (a.keyIs(SERVICE_NAME)) {
                service = a.text();
            } else if (a.keyIs(SERVICE_INSTANCE_ID)) {
                instanceId = a.text();
            } else if (a.keyIs(K8S_POD_NAME)) {
                podName = a.text();
            } else if (a.keyIs(HOST_NAME)) {
                hostName = a.text();
            }
        }
        String instance =
                !instanceId.isEmpty() ? instanceId : !podName.isEmpty() ? podName : hostName;
        return new ResourceNames(service, instance);
    }
}
