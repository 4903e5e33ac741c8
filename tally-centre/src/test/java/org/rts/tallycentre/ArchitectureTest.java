package org.rts.tallycentre;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tally centre's features do not depend on each other in a circle, and its libraries stay at the edge. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.rts.tallycentre");
    }

    @Test
    void features_have_no_cycles() {
        slices().matching("org.rts.tallycentre.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void paho_is_only_in_the_mqtt_package() {
        noClasses().that().resideOutsideOfPackage("org.rts.tallycentre.mqtt..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
                .check(classes);
    }

    @Test
    void jdbc_is_only_in_the_store_package() {
        noClasses().that().resideOutsideOfPackage("org.rts.tallycentre.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.sqlite..")
                .check(classes);
    }
}
