/**
 * Finding the packages in an image: {@link dev.portcullis.catalog.Cataloger} plug-ins, one package
 * per ecosystem, listed once in {@link dev.portcullis.catalog.catalogers.Catalogers#defaults()}.
 */
@NullMarked
package dev.portcullis.catalog;

import org.jspecify.annotations.NullMarked;
