package org.rts.provisioning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The technicians' offline tool: features without cycles, and no broker client, database or board library. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.rts.provisioning");

    @Test
    void feature_packages_depend_on_each_other_without_a_cycle() {
        // the root package (the command line and the base exception) wires the features and is left out
        slices().matching("org.rts.provisioning.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void uses_no_mqtt_client() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
                .because("Paho is only in the device agent's and the hub's mqtt packages (README)")
                .check(CLASSES);
    }

    @Test
    void uses_no_jdbc() {
        noClasses().should().dependOnClassesThat().resideInAPackage("java.sql..")
                .because("JDBC is only in the hub's store and the device agent's outbox (README)")
                .check(CLASSES);
    }

    @Test
    void uses_no_pi4j() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.pi4j..")
                .because("Pi4J is only in hardware-profiles' drivers (README)")
                .check(CLASSES);
    }
}
