package org.rts.hardware;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The hardware's boundaries: Pi4J only in the boards' drivers ({@code pi}), the simulated profile free of it, and
 * no cycle among the packages (the root package holds the interfaces every profile implements).
 */
class ArchitectureTest {
    private static final JavaClasses HARDWARE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.rts.hardware");

    @Test
    void no_cycle_among_the_packages() {
        slices().matching("org.rts.hardware.(*)..").should().beFreeOfCycles().check(HARDWARE);
    }

    @Test
    void pi4j_is_only_in_the_boards_drivers() {
        noClasses().that().resideOutsideOfPackage("org.rts.hardware.pi..").should().dependOnClassesThat()
                .resideInAPackage("com.pi4j..").check(HARDWARE);
    }

    @Test
    void no_paho_and_no_jdbc_in_the_hardware() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.eclipse.paho..", "java.sql..")
                .check(HARDWARE);
    }
}
