package io.podtally.k8s;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s-module boundaries")
class ModuleBoundaryTest {

    private static final JavaClasses K8S_CLASSES = importK8sClasses();

    private static JavaClasses importK8sClasses() {
        // Package names are all the rule needs: do not load every referenced library class.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.podtally.k8s");
    }

    @Test
    @DisplayName("no class of io.podtally.k8s depends on Redis, Redisson, Lettuce or the cache module")
    void noRedisNorCacheModule() {
        noClasses().that().resideInAPackage("io.podtally.k8s..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.redisson..", "io.lettuce..", "org.springframework.data.redis..", "io.podtally.cache..")
                .check(K8S_CLASSES);
    }
}
