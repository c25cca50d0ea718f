package io.podtally.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DisplayName;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

@AnalyzeClasses(packages = "io.podtally.app", importOptions = ImportOption.DoNotIncludeTests.class)
@DisplayName("architecture")
class ArchitectureTest {

    private static final String CONFIG = "io.podtally.app.config";
    private static final String HEALTH = "io.podtally.app.health";
    private static final String WIRING = "io.podtally.app.wiring";
    private static final String WEB = "io.podtally.app.web";

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

    @ArchTest
    static final ArchRule configHoldsPropertiesAndConfigurations = classes()
            .that().resideInAPackage(CONFIG)
            .and().areTopLevelClasses()
            .should().beAnnotatedWith(ConfigurationProperties.class)
            .orShould().beAnnotatedWith(Configuration.class)
            .because("config is the table of contents: what can be set, and which beans exist");

    @ArchTest
    static final ArchRule propertiesAreRecords = classes()
            .that().areAnnotatedWith(ConfigurationProperties.class)
            .should().beRecords()
            .andShould().resideInAPackage(CONFIG)
            .because("configuration is immutable and bound in one place");

    @ArchTest
    static final ArchRule configurationsStayInConfig = classes()
            .that().areAnnotatedWith(Configuration.class)
            .and().resideOutsideOfPackage(WEB)
            .should().resideInAPackage(CONFIG)
            .because("beans other than the web layer's are created in config");

    @ArchTest
    static final ArchRule healthIndicatorsInHealth = classes()
            .that().areAssignableTo(HealthContributor.class)
            .should().resideInAPackage(HEALTH)
            .because("each health indicator reports one concern, and they all live in one place");

    @ArchTest
    static final ArchRule healthAndWiringAreNotScanned = noClasses()
            .that().resideInAnyPackage(HEALTH, WIRING)
            .should().beMetaAnnotatedWith(Component.class)
            .because("their beans are created by the @Configuration classes in config");

    @ArchTest
    static final ArchRule healthAndWiringDoNotUseConfigOrWeb = noClasses()
            .that().resideInAnyPackage(HEALTH, WIRING)
            .should().dependOnClassesThat().resideInAnyPackage(CONFIG, WEB)
            .because("config builds them from plain values; they do not reach back into it");

    @ArchTest
    static final ArchRule webDoesNotUseWiringOrHealth = noClasses()
            .that().resideInAPackage("io.podtally.app.web..")
            .should().dependOnClassesThat().resideInAnyPackage(WIRING, HEALTH)
            .because("controllers see the ports; how the modules are joined is config's business");
}
