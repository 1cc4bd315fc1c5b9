package dev.portcullis.testkit;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * The architecture rules every Portcullis module keeps, checked on that module's main classes only. Each module runs
 * {@code Architecture.of(SomeMainClass.class).check()} from one small test; a module-specific exception is named, with
 * its reason, in that test, and an exception that no longer matches anything fails the check.
 *
 * <p>The rules:
 * <ul>
 *   <li>no cycles between packages ({@code dev.portcullis.(**)}, each package one slice);
 *   <li>API packages expose only JDK and our own types: in every package without an {@code internal} segment, every
 *       public type (a nested type only when it and all its enclosing types are public or protected) may use in its
 *       signatures only JDK types (those the platform class loader defines), {@code dev.portcullis} types and JSpecify.
 *       Checked: the type's superclass, interfaces and type parameters; the declared type of public and protected
 *       fields; the return type, parameter types, type parameters and throws clause of public and protected methods
 *       and constructors. Every type argument, wildcard and type-variable bound counts, not just the raw types.
 *       Annotations are not part of a signature and are not checked; synthetic and bridge members are skipped;
 *   <li>an {@code internal} package is used only from its own module ({@code dev.portcullis.<module>..});
 *   <li>every package is {@code @NullMarked}.
 * </ul>
 */
public final class Architecture {
  private static final String OURS = "dev.portcullis.";

  private final JavaClasses classes;
  private final Map<String, String> allowedExposures = new LinkedHashMap<>();
  private final List<String[]> ignoredCycleDependencies = new ArrayList<>();

  private Architecture(JavaClasses classes) {
    this.classes = classes;
  }

  /** The main classes of the module {@code anchor} belongs to: every class file beside it, no test classes. */
  public static Architecture of(Class<?> anchor) {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("locate the classes of " + anchor.getName() + ": " + e.getMessage(), e);
    }
    ClassFileImporter importer = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // generated sources (JMH's benchmark stubs) are not ours to shape
        .withImportOption(location -> !location.contains("/jmh_generated/"))
        // nor picocli, which cli builds from its published sources into its own classes (for the start-up cache)
        .withImportOption(location -> !location.contains("/picocli/"));
    JavaClasses classes;
    if (Files.isRegularFile(root)) {
      // a reactor build after the package phase (mvn verify) puts the module's jar on the test class path, not its classes
      try (JarFile jar = new JarFile(root.toFile())) {
        classes = importer.importJar(jar);
      } catch (IOException e) {
        throw new IllegalArgumentException("read the classes of " + anchor.getName() + " from " + root + ": " + e.getMessage(), e);
      }
    } else {
      classes = importer.importPath(root);
    }
    if (!classes.contain(anchor)) {
      throw new IllegalArgumentException("import the main classes of " + anchor.getName() + " from " + root + ": not found there");
    }
    return new Architecture(classes);
  }

  /** The rules over {@code classes}, as they are imported: for the rules' own tests. */
  static Architecture ofClasses(JavaClasses classes) {
    return new Architecture(classes);
  }

  /**
   * Lets the API member named {@code member} (ArchUnit's full name, e.g. {@code dev.portcullis.oci.Blob.open(java.lang.String)},
   * or a type's name for its supertypes and type parameters) expose a third-party type, for {@code reason}.
   */
  public Architecture allowExposure(String member, String reason) {
    requireReason(reason);
    allowedExposures.put(member, reason);
    return this;
  }

  /** Leaves the dependencies of classes in package {@code fromPackage} on package {@code toPackage} out of the cycle check. */
  public Architecture ignoreCycleDependency(String fromPackage, String toPackage, String reason) {
    requireReason(reason);
    ignoredCycleDependencies.add(new String[] {fromPackage, toPackage});
    return this;
  }

  /** Checks every rule; the {@link AssertionError} lists the violations of every rule broken. */
  public void check() {
    List<String> broken = new ArrayList<>();
    for (Runnable rule : List.<Runnable>of(this::checkEveryPackageIsNullMarked, this::checkNoPackageCycles,
        this::checkApiExposesOnlyJdkAndOwnTypes, this::checkInternalPackagesStayInTheirModule)) {
      try {
        rule.run();
      } catch (AssertionError e) {
        broken.add(e.getMessage());
      }
    }
    if (!broken.isEmpty()) {
      throw new AssertionError(String.join("\n\n", broken));
    }
  }

  /** No cycles between the module's packages. */
  public void checkNoPackageCycles() {
    SliceRule rule = slices().matching("dev.portcullis.(**)").should().beFreeOfCycles();
    for (String[] ignored : ignoredCycleDependencies) {
      rule = rule.ignoreDependency(inPackage(ignored[0]), inPackage(ignored[1]));
    }
    rule.check(classes);
  }

  /** API packages expose only JDK types, our own types and JSpecify in their signatures. */
  public void checkApiExposesOnlyJdkAndOwnTypes() {
    Set<String> violations = new TreeSet<>();
    Set<String> used = new TreeSet<>();
    for (JavaClass type : classes) {
      if (!isApi(type)) {
        continue;
      }
      List<JavaType> typeSignature = new ArrayList<>();
      type.getSuperclass().ifPresent(typeSignature::add);
      typeSignature.addAll(type.getInterfaces());
      typeSignature.addAll(type.getTypeParameters());
      report(type.getName(), "supertypes or type parameters", involved(typeSignature), violations, used);
      for (JavaMember member : type.getMembers()) {
        if (!isApi(member)) {
          continue;
        }
        Set<JavaClass> involved = switch (member) {
          case JavaField field -> field.getType().getAllInvolvedRawTypes();
          case JavaCodeUnit code -> {
            Set<JavaClass> all = new java.util.HashSet<>(code.getAllInvolvedRawTypes());
            all.addAll(code.getThrowsClause().getTypes());
            yield all;
          }
          default -> Set.of();
        };
        report(member.getFullName(), "signature", involved, violations, used);
      }
    }
    Set<String> stale = new TreeSet<>(allowedExposures.keySet());
    stale.removeAll(used);
    stale.forEach(s -> violations.add("allowed exposure " + s + " matches nothing any more: drop it"));
    if (!violations.isEmpty()) {
      throw new AssertionError("API packages expose only JDK and our own types, but:\n  "
          + String.join("\n  ", violations));
    }
  }

  /** Classes outside a module use none of its {@code internal} packages. */
  public void checkInternalPackagesStayInTheirModule() {
    Set<String> violations = new TreeSet<>();
    for (JavaClass origin : classes) {
      origin.getDirectDependenciesFromSelf().forEach(d -> {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (isInternal(target.getPackageName()) && !module(target).equals(module(origin))) {
          violations.add(d.getDescription());
        }
      });
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("internal packages are used only within their module, but:\n  "
          + String.join("\n  ", violations));
    }
  }

  /** Every package has a {@code package-info} annotated {@code @NullMarked}. */
  public void checkEveryPackageIsNullMarked() {
    Set<String> unmarked = classes.stream().map(JavaClass::getPackage).distinct()
        .filter(p -> p.tryGetAnnotationOfType(NullMarked.class).isEmpty())
        .map(p -> p.getName()).collect(Collectors.toCollection(TreeSet::new));
    if (!unmarked.isEmpty()) {
      throw new AssertionError("every package is @NullMarked, but not: " + unmarked);
    }
  }

  private void report(String where, String what, Set<JavaClass> involved, Set<String> violations, Set<String> used) {
    Set<String> foreign = involved.stream().map(JavaClass::getBaseComponentType).filter(c -> !allowed(c))
        .map(JavaClass::getName).collect(Collectors.toCollection(TreeSet::new));
    if (foreign.isEmpty()) {
      return;
    }
    if (allowedExposures.containsKey(where)) {
      used.add(where);
    } else {
      violations.add(where + " exposes in its " + what + ": " + String.join(", ", foreign));
    }
  }

  private static Set<JavaClass> involved(List<? extends JavaType> types) {
    Set<JavaClass> all = new java.util.HashSet<>();
    types.forEach(t -> all.addAll(t instanceof JavaTypeVariable<?> v ? boundsOf(v) : t.getAllInvolvedRawTypes()));
    return all;
  }

  private static Set<JavaClass> boundsOf(JavaTypeVariable<?> variable) {
    Set<JavaClass> all = new java.util.HashSet<>();
    variable.getUpperBounds().forEach(b -> all.addAll(b.getAllInvolvedRawTypes()));
    return all;
  }

  private static boolean allowed(JavaClass type) {
    String name = type.getName();
    return type.isPrimitive() || name.startsWith(OURS) || name.startsWith("org.jspecify.") || isJdk(name);
  }

  private static boolean isJdk(String name) {
    try {
      Class.forName(name, false, ClassLoader.getPlatformClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static boolean isApi(JavaClass type) {
    if (isInternal(type.getPackageName()) || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    if (type.isTopLevelClass()) {
      return type.getModifiers().contains(JavaModifier.PUBLIC);
    }
    boolean visible = type.getModifiers().contains(JavaModifier.PUBLIC) || type.getModifiers().contains(JavaModifier.PROTECTED);
    return visible && type.getEnclosingClass().map(Architecture::isApi).orElse(false);
  }

  private static boolean isApi(JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
        && !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE);
  }

  private static boolean isInternal(String packageName) {
    return packageName.startsWith(OURS) && (packageName.endsWith(".internal") || packageName.contains(".internal."));
  }

  /** {@code dev.portcullis.vuln.db.internal} belongs to module {@code vuln}. */
  private static String module(JavaClass type) {
    String rest = type.getPackageName().startsWith(OURS) ? type.getPackageName().substring(OURS.length()) : type.getPackageName();
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static DescribedPredicate<JavaClass> inPackage(String packageName) {
    return DescribedPredicate.describe("in " + packageName, c -> c.getPackageName().equals(packageName));
  }

  private static void requireReason(String reason) {
    if (reason.isBlank()) {
      throw new IllegalArgumentException("an architecture exception needs its reason");
    }
  }
}
