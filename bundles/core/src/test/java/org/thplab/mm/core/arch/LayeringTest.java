package org.thplab.mm.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.thplab.mm.core.mm.Machine;

/**
 * The core's layering, as docs/architecture.md draws it: each package depends only on the
 * layers below it, the mechanisms of one layer do not use each other, no two packages depend on
 * each other, and no part below the syscall layer holds the machine.
 */
class LayeringTest {
    private static final String CORE = "org.thplab.mm.core";
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CORE);
    }

    private static String pkg(String name) {
        return CORE + "." + name + "..";
    }

    @Test
    void packagesDependOnlyOnTheLayersBelow() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("runtime").definedBy(pkg("runtime"))
                .layer("syscalls").definedBy(pkg("mm"), pkg("check"))
                .layer("fault").definedBy(pkg("fault"))
                .layer("oom").definedBy(pkg("oom"))
                .layer("promote").definedBy(pkg("promote"))
                .layer("reclaim").definedBy(pkg("reclaim"))
                .layer("report").definedBy(pkg("report"))
                .layer("reserve").definedBy(pkg("reserve"))
                .layer("folio").definedBy(pkg("folio"))
                .layer("alloc").definedBy(pkg("alloc"))
                .layer("ground").definedBy(pkg("kernel"), pkg("policy"), pkg("trace"), pkg("vma"), pkg("frames"),
                        pkg("pagetable"), pkg("clock"), pkg("swap"), pkg("stat"), pkg("mmu"))
                .whereLayer("runtime").mayNotBeAccessedByAnyLayer()
                .whereLayer("syscalls").mayOnlyBeAccessedByLayers("runtime")
                .whereLayer("fault").mayOnlyBeAccessedByLayers("syscalls")
                // The mechanisms: the fault path calls the OOM killer (pagefault_out_of_memory())
                // and reports reservation faults to the promoters; none of the three uses another.
                .whereLayer("oom").mayOnlyBeAccessedByLayers("syscalls", "fault")
                .whereLayer("promote").mayOnlyBeAccessedByLayers("syscalls", "fault")
                .whereLayer("reclaim").mayOnlyBeAccessedByLayers("syscalls")
                .whereLayer("report").mayOnlyBeAccessedByLayers("syscalls", "oom")
                .whereLayer("reserve").mayOnlyBeAccessedByLayers("syscalls", "fault", "oom", "promote", "reclaim", "report")
                .whereLayer("folio").mayOnlyBeAccessedByLayers("syscalls", "fault", "oom", "promote", "reclaim", "report",
                        "reserve")
                .whereLayer("alloc").mayOnlyBeAccessedByLayers("syscalls", "fault", "promote", "reclaim", "reserve", "folio")
                .check(core);
    }

    @Test
    void noPackageCycles() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void onlyTheCompositionRootAndTheLayersAboveHoldAMachine() {
        noFields().that().areDeclaredInClassesThat().resideOutsideOfPackages(pkg("runtime"))
                .and().areDeclaredInClassesThat().doNotBelongToAnyOf(Machine.class)
                .should().haveRawType(Machine.class)
                .check(core);
    }

    @Test
    void onlyTheRuntimeKnowsOsgi() {
        noClasses().that().resideOutsideOfPackages(pkg("runtime"))
                .should().dependOnClassesThat().resideInAPackage("org.osgi..")
                .check(core);
    }
}
