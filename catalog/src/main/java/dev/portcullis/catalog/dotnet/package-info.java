/** .NET packages an application was built with ({@code dotnet-deps-cataloger}). */
@NullMarked
package dev.portcullis.catalog.dotnet;

import org.jspecify.annotations.NullMarked;
