package io.podtally.cache;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("cache-module boundaries")
class ModuleBoundaryTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.podtally.cache");

    @Test
    @DisplayName("knows pod counts only through PodCountSource: no fabric8, no k8s-module")
    void noKubernetes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "io.podtally.k8s..")
                .check(MAIN);
    }

    @Test
    @DisplayName("is a plain library: no Spring Boot")
    void noSpringBoot() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework.boot..").check(MAIN);
    }

    @Test
    @DisplayName("the root package does not depend on the adapters, in Redis or in memory")
    void portsWithoutAdapters() {
        noClasses().that().resideInAPackage("io.podtally.cache")
                .should().dependOnClassesThat().resideInAnyPackage("io.podtally.cache.redis..",
                        "io.podtally.cache.memory..", "org.redisson..", "org.springframework.data.redis..",
                        "io.lettuce..")
                .check(MAIN);
    }

    @Test
    @DisplayName("the in-memory adapters know nothing of Redis")
    void memoryWithoutRedis() {
        noClasses().that().resideInAPackage("io.podtally.cache.memory..")
                .should().dependOnClassesThat().resideInAnyPackage("io.podtally.cache.redis..", "org.redisson..",
                        "org.springframework.data.redis..", "io.lettuce..")
                .check(MAIN);
    }
}
