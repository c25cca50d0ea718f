package io.podtally.k8s;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s-module boundaries")
class ModuleBoundaryTest {

    private static final JavaClasses K8S_CLASSES = new ClassFileImporter().importPackages("io.podtally.k8s");

    @Test
    @DisplayName("no class of io.podtally.k8s depends on Redis, Redisson, Lettuce or the cache module")
    void noRedisNorCacheModule() {
        noClasses().that().resideInAPackage("io.podtally.k8s..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.redisson..", "io.lettuce..", "org.springframework.data.redis..", "io.podtally.cache..")
                .check(K8S_CLASSES);
    }
}
