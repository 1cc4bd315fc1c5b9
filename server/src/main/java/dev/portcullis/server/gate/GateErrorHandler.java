package dev.portcullis.server.gate;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Errors Jetty itself answers (a malformed request line, ambiguous path encodings, headers over the
 * limit) as Distribution error bodies instead of HTML pages, without stack traces.
 */
final class GateErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int status, @Nullable String message,
      @Nullable Throwable cause, Callback callback) {
    byte[] body = DistributionErrors.body(code(status), text(status, message));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, DistributionErrors.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static String code(int status) {
    // a request Jetty refuses at 400 is one whose path it cannot read unambiguously
    return status == 400 ? "NAME_INVALID" : "UNSUPPORTED";
  }

  private static String text(int status, @Nullable String message) {
    return "request refused by the pull gate (" + status + (message == null ? "" : ": " + message) + ")";
  }
}
