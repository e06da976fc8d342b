package io.meshflow.job.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.Set;

/** Conditions that ArchUnit's fluent API has no word for. */
final class Conditions {
    private Conditions() {}

    /** The class, or one of its nested classes, depends on at least one of the named classes. */
    static ArchCondition<JavaClass> dependOnAnyOf(String... fullyQualifiedNames) {
        Set<String> names = Set.of(fullyQualifiedNames);
        return new ArchCondition<>("depend on one of " + names) {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                boolean found =
                        item.getDirectDependenciesFromSelf().stream()
                                .map(Dependency::getTargetClass)
                                .anyMatch(target -> names.contains(target.getName()));
                events.add(
                        new SimpleConditionEvent(
                                item,
                                found,
                                item.getName() + (found ? " uses " : " uses none of ") + names));
            }
        };
    }
}
