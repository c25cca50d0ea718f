package io.podtally.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DisplayName;

@AnalyzeClasses(packages = "io.podtally.app", importOptions = ImportOption.DoNotIncludeTests.class)
@DisplayName("architecture")
class ArchitectureTest {

    @ArchTest
    static final ArchRule webUsesPortsOnly = noClasses()
            .that().resideInAPackage("io.podtally.app.web..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.fabric8..",
                    "io.podtally.k8s.fabric8..",
                    "io.podtally.k8s.sim..",
                    "io.podtally.cache.redis..",
                    "io.podtally.cache.memory..",
                    "org.redisson..",
                    "io.lettuce..",
                    "org.springframework.data.redis..")
            .because("controllers depend on the ports io.podtally.k8s and io.podtally.cache, not on adapters");

    @ArchTest
    static final ArchRule onlyDemoUsesSimulatedClusters = noClasses()
            .that().resideOutsideOfPackage("io.podtally.app.demo..")
            .should().dependOnClassesThat().resideInAPackage("io.podtally.k8s.sim..")
            .because("simulated clusters serve demo mode only; k8s-sim is not the Kubernetes adapter");

    @ArchTest
    static final ArchRule configDoesNotUseWeb = noClasses()
            .that().resideInAPackage("io.podtally.app.config..")
            .should().dependOnClassesThat().resideInAPackage("io.podtally.app.web..")
            .because("the web layer is wired by Spring, not by the configuration");
}
