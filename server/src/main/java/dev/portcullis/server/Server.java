package dev.portcullis.server;

import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.api.HttpApi;
import dev.portcullis.server.api.LocalAuthentication;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.audit.AuditRecord;
import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.PasswordHasher;
import dev.portcullis.server.auth.Role;
import dev.portcullis.server.auth.Sessions;
import dev.portcullis.server.auth.Tls;
import dev.portcullis.server.auth.Tokens;
import dev.portcullis.server.auth.Users;
import dev.portcullis.server.config.ConfigFile;
import dev.portcullis.core.Digest;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.gate.GateListener;
import dev.portcullis.server.governance.ActiveGovernance;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.governance.Governance;
import dev.portcullis.server.governance.PolicyVersions;
import dev.portcullis.server.governance.ServerExceptions;
import dev.portcullis.server.gate.PullGate;
import dev.portcullis.server.gate.UpstreamTrust;
import dev.portcullis.server.work.StoredPullPolicy;
import java.net.URI;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.work.Intake;
import dev.portcullis.server.work.DatabaseWatch;
import dev.portcullis.server.work.Metrics;
import dev.portcullis.server.work.PromoteWork;
import dev.portcullis.server.work.TestResultAttester;
import dev.portcullis.server.work.ScanWork;
import dev.portcullis.server.work.Scanners;
import dev.portcullis.server.work.ServerLog;
import dev.portcullis.server.work.Setup;
import dev.portcullis.server.work.Sweep;
import dev.portcullis.server.work.Workers;
import dev.portcullis.sign.key.KeyFileException;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.vuln.report.NoiseControl;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One {@code portcullis server} process: the API, the registry sweep and a pool of workers over
 * one database; or, with {@code workerOnly}, only workers that share a PostgreSQL database with
 * other servers. {@link #close()} stops taking work, hands running jobs back, and closes the database.
 */
public final class Server implements AutoCloseable {
  /**
   * How to start.
   *
   * @param data overrides the configuration's {@code data}
   * @param database overrides the configuration's {@code database} (a {@code jdbc:postgresql:} URL)
   * @param toolVersion the version written into decision documents
   */
  public record Options(Path configFile, Optional<Path> data, Optional<String> database, boolean workerOnly, String toolVersion,
      PrintStream log, Map<String, String> env, Clock clock) {}

  /** The configuration (or what it names: policy, keys, database) is not usable; every problem is listed. */
  public static final class ConfigurationException extends IOException {
    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
      super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the server's configuration");
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private final Store store;
  private final AuditLog audit;
  private final Scanners scanners;
  private final Workers workers;
  private final @Nullable HttpApi api;
  private final ScheduledExecutorService background;
  private final List<PullGate> gates;
  private final ServerLog log;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final int port;

  private Server(Store store, AuditLog audit, Scanners scanners, Workers workers, @Nullable HttpApi api, ScheduledExecutorService background,
      List<PullGate> gates, ServerLog log, int port) {
    this.gates = List.copyOf(gates);
    this.store = store;
    this.audit = audit;
    this.scanners = scanners;
    this.workers = workers;
    this.api = api;
    this.background = background;
    this.log = log;
    this.port = port;
  }

  public static Server start(Options o) throws IOException {
    ServerConfig config = switch (ConfigFile.read(o.configFile(), o.env())) {
      case ConfigFile.Result.Valid v -> v.config();
      case ConfigFile.Result.Invalid i -> throw new ConfigurationException(i.problems());
    };
    ServerLog log = new ServerLog(o.log(), o.clock());
    Path data = o.data().orElse(config.data()).toAbsolutePath();
    List<String> problems = new ArrayList<>();
    Policy policy = policy(config, problems);
    ExceptionFile.Loaded exceptions = ExceptionFile.Loaded.NONE;
    if (config.exceptions().isPresent()) {
      try {
        exceptions = ExceptionFile.read(config.exceptions().get());
      } catch (IOException e) {
        problems.add("exceptions: " + e.getMessage());
      }
    }
    List<PublicKey> trusted = new ArrayList<>();
    for (Path k : config.trustedKeys()) {
      try {
        trusted.add(PublicKeys.read(k));
      } catch (IOException | IllegalArgumentException e) {
        problems.add("trust.keys: " + k + ": " + e.getMessage());
      }
    }
    List<PublicKey> stageKeys = new ArrayList<>();
    for (Path k : config.admission().keyFiles()) {
      try {
        stageKeys.add(PublicKeys.read(k));
      } catch (IOException | IllegalArgumentException e) {
        problems.add("admission trustedKeys: " + k + ": " + e.getMessage());
      }
    }
    Optional<Signer> signer = Optional.empty();
    if (config.signing().isPresent()) {
      try (Passphrase p = Passphrase.of(config.signing().get().passphrase())) {
        signer = Optional.of(LocalSigner.read(config.signing().get().key(), p));
      } catch (KeyFileException e) {
        problems.add("signing.key: " + e.getMessage());
      }
    }
    if (policy != null) {
      for (ServerConfig.Registry r : config.registries()) {
        if (policy.stage(r.stage()).isEmpty()) {
          problems.add(r + ": stage " + r.stage() + " is not a stage of the policy " + policy.name() + " (" + String.join(", ", policy.stageNames()) + ")");
        }
      }
    }
    if (!Files.isRegularFile(config.vulnerabilityDatabase())) {
      problems.add("vulnerabilityDatabase: " + config.vulnerabilityDatabase() + ": no such file (portcullis db update or db import makes it)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    Optional<String> dbUrl = o.database().or(() -> config.database().map(ServerConfig.DatabaseUrl::url));
    if (o.workerOnly() && dbUrl.isEmpty()) {
      throw new ConfigurationException(List.of("--worker-only needs a PostgreSQL database (--database or database:): workers on other "
          + "machines share its queue, and the embedded SQLite database is this process's alone"));
    }
    Store store = dbUrl.isPresent()
        ? Store.postgres(dbUrl.get(), config.database().map(ServerConfig.DatabaseUrl::user).orElse(null),
            config.database().map(ServerConfig.DatabaseUrl::password).orElse(null), config.workers() + 4, o.clock())
        : Store.sqlite(data, o.clock());
    // every decision taken in a store transaction is journalled in the same transaction
    AuditLog audit = new AuditLog(store, signer, AuditLog.DEFAULT_CHECKPOINT_EVERY);
    store.journal(audit.journal());
    PolicyVersions policyVersions = new PolicyVersions(store, CelLimits.DEFAULT, config.registries().stream().map(ServerConfig.Registry::stage)
        .collect(java.util.stream.Collectors.toSet()), audit::append);
    ServerExceptions serverExceptions = new ServerExceptions(store, audit::append);
    Users users = new Users(store, new PasswordHasher(), new Users.LoginLimits(config.auth().lockoutFailures(), config.auth().lockoutPeriod(),
        Users.LoginLimits.DEFAULTS.attemptsPerAddress(), Users.LoginLimits.DEFAULTS.window(), Users.LoginLimits.DEFAULTS.maxAddresses()));
    Sessions sessions = new Sessions(store, new Sessions.Limits(config.auth().sessionIdle(), config.auth().sessionAbsolute(),
        Sessions.Limits.DEFAULTS.perUser()));
    Tokens tokens = new Tokens(store, Tokens.DEFAULT_MAX_LIFETIME);
    Optional<Tls.ServerKey> tls = Optional.empty();
    try {
      // a tail left unsigned by a crash is signed first
      audit.checkpoint();
      audit.append(new AuditEvent(Identity.actor("configuration"), "configuration.load", o.configFile().toAbsolutePath().toString(), "success",
          configurationChange(audit, o.configFile())));
      if (!o.workerOnly()) {
        bootstrap(config, policyVersions, serverExceptions, exceptions, log);
        bootstrapAdmin(config, users, audit, log);
        if (config.tls().isPresent()) {
          tls = Optional.of(Tls.load(config.tls().get().certificate(), config.tls().get().key(), new char[0], o.clock()));
          tls.get().warnings().forEach(w -> log.warn("tls: " + w));
        }
      }
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    Governance governance = new ActiveGovernance(policyVersions, serverExceptions);
    Files.createDirectories(data.resolve("tmp"));
    Map<String, RegistryOptions> registryOptions = new LinkedHashMap<>();
    Map<String, ReadOptions> reads = new LinkedHashMap<>();
    LayerCache cache = new LayerCache(data.resolve("layer-cache"));
    ProgressListener listener = new ProgressListener() {
      @Override
      public void warn(String message) {
        log.warn(message);
      }
    };
    for (ServerConfig.Registry r : config.registries()) {
      RegistryOptions ro = new RegistryOptions("http".equals(r.url().getScheme()), r.caFile().orElse(null),
          r.username().isPresent() ? new RegistryOptions.Credentials(r.username().get(), r.password().orElseThrow()) : null, null, 5);
      registryOptions.put(r.name(), ro);
      reads.put(r.name(), ReadOptions.defaults().withRegistry(ro).withTempDir(data.resolve("tmp")).withListener(listener));
    }
    // rebuilt on every new vulnerability database; the layer cache is shared, so a re-scan reads no layer it read before
    Scanners.Factory factory = db -> {
      Map<String, Scanner> built = new LinkedHashMap<>();
      reads.forEach((name, read) -> built.put(name, new Scanner(ScanOptions.all(db).withCache(cache).withRead(read)
          .withNoise(NoiseControl.none(LocalDate.now(o.clock().withZone(ZoneOffset.UTC)))))));
      return built;
    };
    Scanners scanners;
    try {
      scanners = Scanners.open(config.vulnerabilityDatabase(), factory, log);
    } catch (IOException e) {
      store.close();
      throw e;
    }
    Setup setup = new Setup(config, scanners, governance, trusted, signer, o.toolVersion(), stageKeys);
    Metrics metrics = new Metrics();
    String owner = ManagementFactory.getRuntimeMXBean().getName();
    Workers workers = new Workers(store, new ScanWork(setup, store, log, metrics), new PromoteWork(setup, store, log), config.jobs(),
        config.workers(), owner, log, metrics);
    DatabaseWatch watch = new DatabaseWatch(scanners, store, owner, log, metrics, workers::nudge);
    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "portcullis-background");
      t.setDaemon(true);
      return t;
    });
    long checkEvery = DatabaseWatch.INTERVAL.toMillis();
    if (o.workerOnly()) {
      background.scheduleWithFixedDelay(watch::check, 0, checkEvery, TimeUnit.MILLISECONDS);
      log.info("worker-only: " + config.workers() + " workers on " + (dbUrl.isPresent() ? "the shared database" : data));
      return new Server(store, audit, scanners, workers, null, background, List.of(), log, -1);
    }
    Intake intake = new Intake(store, config, workers::nudge);
    HttpApi api = new HttpApi(store, config, intake, metrics, log, registryOptions, governance, signer.isPresent(), workers::nudge,
        new TestResultAttester(setup, data.resolve("tmp"), o.clock()), new LocalAuthentication(users, sessions, tokens), audit::append,
        tls.map(k -> new HttpApi.TlsKeys(k.keyStore(), k.password())), new HttpApi.Directory(users, tokens, audit, serverExceptions,
            policyVersions, trusted));
    int port;
    try {
      port = api.start();
    } catch (RuntimeException e) {
      background.shutdownNow();
      workers.close();
      scanners.close();
      store.close();
      throw new IOException("listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    List<PullGate> gates = new ArrayList<>();
    for (ServerConfig.Registry r : config.registries()) {
      if (r.gate().isEmpty()) {
        continue;
      }
      ServerConfig.Gate g = r.gate().get();
      PullGate.Options go = PullGate.Options.of(g.listen().host(), g.listen().port(), URI.create(r.url().getScheme() + "://" + r.authority()));
      if (r.caFile().isPresent()) {
        go = go.withUpstreamTrust(new UpstreamTrust.CaFile(r.caFile().get()));
      }
      try {
        PullGate gate = PullGate.start(go, new StoredPullPolicy(store, r, g), new GateListener() {
          @Override
          public void problem(String line) {
            log.warn("pull gate of " + r.name() + ": " + line);
          }

          @Override
          public void denied(String repository, String reference, Digest digest, String message) {
            log.info("pull gate of " + r.name() + " denied " + repository + ":" + reference + " (" + digest + "): " + message);
          }
        });
        gates.add(gate);
        log.info("pull gate of " + r + " listening on " + gate.uri());
      } catch (IOException e) {
        gates.forEach(PullGate::close);
        api.close();
        background.shutdownNow();
        workers.close();
        scanners.close();
        store.close();
        throw new IOException("start the pull gate of " + r + " on " + g.listen() + ": " + e.getMessage(), e);
      }
    }
    Sweep sweep = new Sweep(config, registryOptions, intake, log);
    // one thread: the database check and the sweep never run at once; a sweep starts with a check
    Runnable checkAndSweep = () -> {
      watch.check();
      sweep.run();
    };
    background.execute(checkAndSweep);
    if (!config.sweepInterval().isZero()) {
      long every = config.sweepInterval().toMillis();
      background.scheduleWithFixedDelay(checkAndSweep, every, every, TimeUnit.MILLISECONDS);
    }
    background.scheduleWithFixedDelay(watch::check, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(() -> expireExceptions(serverExceptions, o.clock(), log), 0, EXPIRE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(() -> {
      try {
        sessions.purgeExpired();
      } catch (IOException e) {
        log.warn("purge expired sessions: " + e.getMessage());
      }
    }, EXPIRE_EVERY.toMillis(), EXPIRE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    log.info("listening on " + config.listen().host() + ":" + port + " with " + config.workers() + " workers, database "
        + (dbUrl.isPresent() ? config.database().map(Object::toString).orElse("postgresql") : data.resolve("server.db")));
    return new Server(store, audit, scanners, workers, api, background, gates, log, port);
  }

  /** How the configuration differs from the one the last start recorded (its SHA-256 either way). */
  private static String configurationChange(AuditLog audit, Path configFile) throws IOException {
    String sha;
    try {
      sha = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(configFile)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<AuditRecord> last = audit.list(AuditLog.Filter.ALL.withAction("configuration.load"), 1);
    if (last.isEmpty()) {
      return sha + " (first start)";
    }
    String before = last.get(0).reason().split(" ", 2)[0];
    return sha + (before.equals(sha) ? " (unchanged)" : " (changed from " + before + ")");
  }

  /** The first administrator, when the configuration names one and the server has no user yet. */
  private static void bootstrapAdmin(ServerConfig config, Users users, AuditLog audit, ServerLog log) throws IOException {
    if (!users.list().isEmpty()) {
      return;
    }
    if (config.auth().admin().isEmpty()) {
      log.warn("the server has no user and auth.admin names none: nobody can log in or make an API token until auth.admin is set");
      return;
    }
    ServerConfig.Admin admin = config.auth().admin().get();
    users.create(admin.name(), admin.password(), List.of(Grant.everywhere(Role.ADMIN)));
    audit.append(new AuditEvent(Identity.actor("configuration"), "user.create", "user:" + admin.name(), "success",
        "the first administrator, from auth.admin"));
    log.info("created the first administrator " + admin.name() + " (auth.admin)");
  }

  /**
   * Makes the configured policy a version (the first, active; a changed one, proposed) and imports
   * the exceptions file as requests awaiting an approver. A worker-only process skips this: it
   * reads what the servers stored.
   */
  private static void bootstrap(ServerConfig config, PolicyVersions versions, ServerExceptions held, ExceptionFile.Loaded exceptions,
      ServerLog log) throws IOException {
    switch (versions.bootstrap(config.policy())) {
      case PolicyVersions.Bootstrap.Invalid i ->
          throw new ConfigurationException(i.problems().stream().map(p -> "policy: " + TerminalText.escape(p.display())).toList());
      case PolicyVersions.Bootstrap.Bootstrapped b -> {
        String file = TerminalText.escape(b.configured().source());
        switch (b.configured().state()) {
          case ACTIVE -> log.info("policy version " + b.active().number() + " (" + file + ") is active");
          case PROPOSED -> log.warn("the configured policy " + file + " differs from the active version " + b.active().number()
              + ": it is proposed as version " + b.configured().number() + " and applies once someone other than the configuration activates it");
          case REJECTED -> log.warn("the configured policy " + file + " is version " + b.configured().number()
              + ", which was rejected; version " + b.active().number() + " stays active");
          case SUPERSEDED -> log.info("the configured policy " + file + " is version " + b.configured().number() + ", superseded by version "
              + b.active().number() + ", which is active");
        }
      }
    }
    if (config.exceptions().isPresent()) {
      String file = TerminalText.escape(config.exceptions().get().toString());
      ServerExceptions.Imported imported = held.importFile(exceptions, config.exceptions().get().toString());
      log.info("exceptions " + file + ": " + imported.created().size() + " imported as requests awaiting an approver, "
          + imported.alreadyImported() + " imported before, " + imported.refused().size() + " refused");
      imported.refused().forEach(r -> log.warn("exceptions " + file + ": " + TerminalText.escape(r.name()) + " refused: "
          + TerminalText.escape(r.reason())));
    }
  }

  /** How often approved exceptions past their last day move to needs-review. */
  private static final java.time.Duration EXPIRE_EVERY = java.time.Duration.ofMinutes(10);

  private static void expireExceptions(ServerExceptions held, Clock clock, ServerLog log) {
    try {
      for (ServerExceptions.Entry e : held.expire(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
        log.info("exception " + e.id() + " (" + TerminalText.escape(e.name()) + ") expired on " + e.expires() + ": needs review");
      }
    } catch (IOException | RuntimeException e) {
      log.warn("expire exceptions: " + e.getMessage());
    }
  }

  private static @Nullable Policy policy(ServerConfig config, List<String> problems) throws IOException {
    PolicyFile policies = new PolicyFile(new RuleCompiler(CelLimits.DEFAULT));
    if (config.policy().isEmpty()) {
      return policies.defaultPolicy();
    }
    return switch (policies.load(config.policy().get())) {
      case PolicyFile.Valid v -> v.policy();
      case PolicyFile.Invalid i -> {
        i.problems().forEach(p -> problems.add("policy: " + TerminalText.escape(p.display())));
        yield null;
      }
    };
  }

  /** The API's port; -1 for a worker-only process. */
  public int port() {
    return port;
  }

  /** Waits until {@link #close()} has run. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    background.shutdownNow();
    gates.forEach(PullGate::close);
    if (api != null) {
      api.close();
    }
    workers.close();
    // a scan that outlived the workers' shutdown keeps its database until it ends
    scanners.close();
    try {
      audit.append(new AuditEvent(Identity.actor("server"), "server.stop", "", "success", ""));
      // the chain's head is signed last, so a cut tail shows
      audit.close();
    } catch (IOException | RuntimeException e) {
      log.warn("audit trail: the last checkpoint failed: " + e.getMessage());
    }
    store.close();
    log.info("stopped");
    stopped.countDown();
  }
}
