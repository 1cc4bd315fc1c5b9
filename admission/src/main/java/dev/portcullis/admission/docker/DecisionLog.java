package dev.portcullis.admission.docker;

import dev.portcullis.admission.remote.DecisionReport;
import dev.portcullis.admission.remote.ServerEvidence;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Where the plugin's decisions go: one JSON line each in a local file, and, when a server is
 * configured, a {@code POST /v1/admission/decisions} to it. The server is told in the background and
 * at most once, within a deadline: its audit trail is best effort, the local file is not.
 */
final class DecisionLog implements AutoCloseable {
  static final Duration SERVER_DEADLINE = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One decision.
   *
   * @param call what the engine was asked: {@code containers/create}, {@code exec}, {@code exec/start}, ...
   * @param outcome {@code admit} or {@code refuse}
   */
  record Decision(Instant time, String call, String user, String container, Optional<String> image, Optional<String> digest, String outcome,
      List<Violation> violations, String message) {
    Decision {
      violations = List.copyOf(violations);
    }
  }

  private final Path file;
  private final Optional<ServerEvidence> server;
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
  private final Consumer<String> problems;

  /**
   * {@code server}: where decisions are reported too (the plugin's facts source, when it has one);
   * {@code problems} hears about decisions that could not be written or sent (one line each, no secrets).
   */
  DecisionLog(Path file, Optional<ServerEvidence> server, Consumer<String> problems) throws IOException {
    this.file = file;
    this.problems = problems;
    this.server = server;
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
  }

  void record(Decision d) {
    ObjectNode line = JSON.createObjectNode();
    line.put("time", d.time().toString());
    line.put("source", "docker-authz");
    line.put("call", d.call());
    line.put("user", d.user());
    line.put("container", d.container());
    d.image().ifPresentOrElse(i -> line.put("image", i), () -> line.putNull("image"));
    d.digest().ifPresentOrElse(i -> line.put("digest", i), () -> line.putNull("digest"));
    line.put("outcome", d.outcome());
    violations(line.putArray("violations"), d.violations());
    line.put("message", d.message());
    synchronized (this) {
      try {
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
      } catch (IOException e) {
        problems.accept("append a decision to " + file + ": " + e.getMessage());
      }
    }
    server.ifPresent(to -> background.submit(() -> {
      try {
        to.report(new DecisionReport("docker-authz", d.image(), d.digest(), d.container(), d.outcome(), d.violations(),
            Optional.of(d.message())), SERVER_DEADLINE);
      } catch (IOException | RuntimeException e) {
        problems.accept("send a decision to the server: " + e.getMessage());
      }
    }));
  }

  private static void violations(ArrayNode out, List<Violation> violations) {
    for (Violation v : violations) {
      out.addObject().put("rule", v.rule()).put("container", v.container()).put("message", v.message());
    }
  }

  @Override
  public void close() {
    background.close();
  }
}
