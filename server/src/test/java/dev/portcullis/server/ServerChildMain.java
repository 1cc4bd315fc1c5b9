package dev.portcullis.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** {@code portcullis server} in a JVM of its own, for tests that kill it: CONFIG [JDBC-URL [--worker-only]]. */
public final class ServerChildMain {
  private ServerChildMain() {}

  public static void main(String[] args) throws Exception {
    Optional<String> database = args.length > 1 ? Optional.of(args[1]) : Optional.empty();
    boolean workerOnly = args.length > 2 && args[2].equals("--worker-only");
    Server server = Server.start(new Server.Options(Path.of(args[0]), Optional.empty(), database, workerOnly, "test",
        new PrintStream(System.out, true, StandardCharsets.UTF_8), System.getenv(), Clock.systemUTC()));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("STARTED");
    server.awaitStop();
  }
}
