package org.rts.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's boundaries: features do not depend on each other in a circle, and each third-party library stays at
 * its edge (Paho in {@code mqtt}, JDBC in {@code outbox}, Pi4J only behind hardware-profiles). The root package
 * (the wiring, the entry point, the shared exception) is not a feature.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importAgent() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.rts.agent");
    }

    @Test
    void features_have_no_cycles() {
        slices().matching("org.rts.agent.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void paho_is_used_only_by_the_mqtt_link() {
        noClasses().that().resideOutsideOfPackage("org.rts.agent.mqtt..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
                .check(classes);
    }

    @Test
    void jdbc_is_used_only_by_the_outbox() {
        noClasses().that().resideOutsideOfPackage("org.rts.agent.outbox..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.sqlite..")
                .check(classes);
    }

    @Test
    void pi4j_is_not_used_by_the_agent() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.pi4j..").check(classes);
    }
}
