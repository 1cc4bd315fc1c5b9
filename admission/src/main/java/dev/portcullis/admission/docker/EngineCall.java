package dev.portcullis.admission.docker;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine API call an AuthZ request asks about, as the engine's router will see it: the path
 * percent-decoded and cleaned, the optional {@code /vX.Y} prefix taken off. Only the calls that start
 * or change what containers may do are told apart; everything else is {@link Other}.
 */
sealed interface EngineCall {
  /** {@code POST /containers/create}; {@code name} from the query, when given. */
  record ContainerCreate(Optional<String> name) implements EngineCall {}

  /** {@code POST /containers/{id}/exec}: an exec instance in a running container. */
  record ExecCreate(String container) implements EngineCall {}

  /** {@code POST /exec/{id}/start}. */
  record ExecStart(String exec) implements EngineCall {}

  /** {@code POST /containers/{id}/start}; API versions before 1.24 take a host configuration in its body. */
  record ContainerStart(String container, boolean takesHostConfig) implements EngineCall {}

  /** {@code POST /volumes/create}: a local volume's options can bind a host path. */
  record VolumeCreate() implements EngineCall {}

  /**
   * A call that makes the engine start containers or run code with host privileges without a later
   * {@code containers/create} the plugin would see: swarm services ({@code POST /services/create},
   * {@code /services/{id}/update}) and managed plugins ({@code POST /plugins/pull}, {@code /plugins/create},
   * {@code /plugins/{name}/upgrade}, {@code /plugins/{name}/set}).
   */
  record Unchecked(String what) implements EngineCall {}

  /** Anything else. */
  record Other() implements EngineCall {}

  Pattern VERSION = Pattern.compile("/v([0-9]+)\\.([0-9]+)(/.*)");
  Pattern EXEC_CREATE = Pattern.compile("/containers/([^/]+)/exec");
  Pattern EXEC_START = Pattern.compile("/exec/([^/]+)/start");
  Pattern START = Pattern.compile("/containers/([^/]+)/start");
  Pattern UNCHECKED = Pattern.compile("/services/create|/services/[^/]+/update|/plugins/pull|/plugins/create|/plugins/.+/(upgrade|set)");

  /** The call {@code method} on {@code uri} (path and query, as the engine received it) makes. */
  static EngineCall of(String method, String uri) throws GoJson.Malformed {
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    String path = clean(decode(rawPath, false));
    boolean oldApi = false;
    Matcher v = VERSION.matcher(path);
    if (v.matches()) {
      int major = Integer.parseInt(v.group(1).length() > 4 ? "9999" : v.group(1));
      int minor = Integer.parseInt(v.group(2).length() > 4 ? "9999" : v.group(2));
      oldApi = major < 1 || major == 1 && minor < 24;
      path = v.group(3);
    }
    if (!method.equalsIgnoreCase("POST")) {
      return new Other();
    }
    if (path.equals("/containers/create")) {
      return new ContainerCreate(queryValue(query, "name"));
    }
    if (path.equals("/volumes/create")) {
      return new VolumeCreate();
    }
    Matcher m;
    if ((m = EXEC_CREATE.matcher(path)).matches()) {
      return new ExecCreate(m.group(1));
    }
    if ((m = EXEC_START.matcher(path)).matches()) {
      return new ExecStart(m.group(1));
    }
    if ((m = START.matcher(path)).matches()) {
      return new ContainerStart(m.group(1), oldApi);
    }
    if (UNCHECKED.matcher(path).matches()) {
      return new Unchecked(path.startsWith("/services/") ? "swarm service" : "managed plugin");
    }
    return new Other();
  }

  private static Optional<String> queryValue(String query, String name) throws GoJson.Malformed {
    Optional<String> found = Optional.empty();
    for (String pair : query.split("[&;]")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
      if (key.equals(name) && found.isEmpty()) {
        found = Optional.of(decode(eq < 0 ? "" : pair.substring(eq + 1), true)).filter(s -> !s.isEmpty());
      }
    }
    return found;
  }

  /** Percent-decoding (and {@code +} as space in a query); a bad escape is malformed, as the engine refuses it too. */
  private static String decode(String s, boolean query) throws GoJson.Malformed {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw new GoJson.Malformed("the request URI has a bad percent escape");
        }
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else if (c == '+' && query) {
        out.write(' ');
      } else {
        out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The path with empty, {@code .} and {@code ..} segments resolved, as Go's path.Clean leaves it. */
  private static String clean(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String seg : path.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(seg);
      }
    }
    return "/" + String.join("/", segments);
  }
}
