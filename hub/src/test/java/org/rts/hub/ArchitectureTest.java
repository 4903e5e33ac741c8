package org.rts.hub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The hub's shape, as the README states it: feature packages without cycles (the root package, wiring and shared
 * exceptions, left out), a message's way through them as one line, and each library at its edge.
 */
class ArchitectureTest {
    private static final JavaClasses HUB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.rts.hub");

    @Test
    void no_cycle_among_the_feature_packages() {
        slices().matching("org.rts.hub.(*)..").should().beFreeOfCycles().check(HUB);
    }

    @Test
    void a_message_passes_source_admission_authentication_intake_store_once_in_that_order() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("source").definedBy("org.rts.hub.mqtt..")
                .layer("admission").definedBy("org.rts.hub.admission..")
                .layer("authentication").definedBy("org.rts.hub.validation..")
                .layer("intake").definedBy("org.rts.hub.intake..")
                .layer("store").definedBy("org.rts.hub.store..")
                .whereLayer("source").mayNotBeAccessedByAnyLayer()
                .whereLayer("admission").mayOnlyBeAccessedByLayers("source", "intake")
                .whereLayer("authentication").mayOnlyBeAccessedByLayers("admission", "intake")
                // the store implements the intake's narrow interface and keeps its values
                .whereLayer("intake").mayOnlyBeAccessedByLayers("store")
                .whereLayer("store").mayNotBeAccessedByAnyLayer()
                .check(HUB);
    }

    @Test
    void the_store_knows_nothing_of_the_operations_room_the_units_or_the_tally() {
        noClasses().that().resideInAPackage("org.rts.hub.store..").should().dependOnClassesThat()
                .resideInAnyPackage("org.rts.hub.web..", "org.rts.hub.units..", "org.rts.hub.tally..",
                        "org.rts.hub.mqtt..", "org.rts.hub.admission..", "org.rts.hub.forward..")
                .check(HUB);
    }

    @Test
    void paho_is_only_in_the_mqtt_package() {
        noClasses().that().resideOutsideOfPackage("org.rts.hub.mqtt..").should().dependOnClassesThat()
                .resideInAPackage("org.eclipse.paho..").check(HUB);
    }

    @Test
    void kafka_is_only_in_the_kafka_package() {
        noClasses().that().resideOutsideOfPackage("org.rts.hub.kafka..").should().dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..").check(HUB);
    }

    @Test
    void jdbc_is_only_in_the_store_package() {
        noClasses().that().resideOutsideOfPackage("org.rts.hub.store..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.sqlite..", "org.postgresql..").check(HUB);
    }

    @Test
    void no_pi4j_in_the_hub() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.pi4j..").check(HUB);
    }

    /** Every module's main code, read from the project's root: a file longer than this is split by what it does. */
    @Test
    void no_file_of_main_code_in_any_module_is_over_400_lines() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
        while (root != null && !java.nio.file.Files.exists(root.resolve("protocol").resolve("pom.xml"))) {
            root = root.getParent();
        }
        org.junit.jupiter.api.Assertions.assertNotNull(root, "the project's root above " + java.nio.file.Path.of("")
                .toAbsolutePath());
        java.util.List<String> long_ = new java.util.ArrayList<>();
        int files = 0;
        try (var walk = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path p : walk.filter(f -> f.toString().endsWith(".java")
                    && f.toString().contains("/src/main/java/") && !f.toString().contains("/target/")).toList()) {
                files++;
                long lines = java.nio.file.Files.readAllLines(p).size();
                if (lines > 400) {
                    long_.add(root.relativize(p) + ": " + lines);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(files > 100, "found " + files + " files of main code");
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), long_);
    }
}
