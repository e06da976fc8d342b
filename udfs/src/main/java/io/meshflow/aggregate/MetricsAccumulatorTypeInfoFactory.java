package io.meshflow.aggregate;

import io.meshflow.typeinfo.ExplicitTypeInfo;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Found by Flink through the {@code @TypeInfo} annotation on {@link MetricsAccumulator}. */
public final class MetricsAccumulatorTypeInfoFactory extends TypeInfoFactory<MetricsAccumulator> {
    @Override
    public TypeInformation<MetricsAccumulator> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> params) {
        return new ExplicitTypeInfo<>(
                MetricsAccumulator.class, MetricsAccumulatorSerializer.INSTANCE);
    }
}
