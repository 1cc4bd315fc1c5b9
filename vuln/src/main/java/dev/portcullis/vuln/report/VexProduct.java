package dev.portcullis.vuln.report;

import java.util.List;

/**
 * The scope of a VEX statement: a product, and the parts of it the statement is limited to.
 *
 * <ul>
 *   <li>An image ({@code pkg:oci}) applies only when it names the image scanned ({@link
 *       VexSubject#isNamedBy}); then to the packages its subcomponents cover, or to every package
 *       when it lists none.
 *   <li>A package without subcomponents applies to that package wherever it is found.
 *   <li>A package with subcomponents applies to nothing: nothing tells which copy of a subcomponent
 *       belongs to that package, and applying it to every copy would widen the statement.
 * </ul>
 */
public record VexProduct(Purl product, List<Purl> subcomponents) {
  public VexProduct {
    subcomponents = List.copyOf(subcomponents);
  }

  /** Whether the statement, through this product, speaks of {@code pkg} in {@code subject}. */
  public boolean covers(Purl pkg, VexSubject subject) {
    if (product.isImage()) {
      return subject.isNamedBy(product) && (subcomponents.isEmpty() || subcomponents.stream().anyMatch(s -> !s.isImage() && s.covers(pkg)));
    }
    return subcomponents.isEmpty() && product.covers(pkg);
  }
}
