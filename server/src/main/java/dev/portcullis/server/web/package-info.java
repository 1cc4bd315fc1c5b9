/**
 * The dashboard's HTML: each page is a pure function from view records and a {@link
 * dev.portcullis.server.web.ViewContext} to a document, written through {@link
 * dev.portcullis.server.web.Html}, the one place text becomes markup. Pages carry no inline script or
 * style and load nothing from elsewhere, so a Content-Security-Policy without {@code unsafe-inline}
 * holds; every form posts to the JSON API's own path with the session's CSRF token.
 */
@NullMarked
package dev.portcullis.server.web;

import org.jspecify.annotations.NullMarked;
