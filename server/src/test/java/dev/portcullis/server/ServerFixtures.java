package dev.portcullis.server;

import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.testkit.SyntheticAdvisories;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small real images (OCI layouts skopeo pushes), a database, and a signing key for the server's tests. */
public final class ServerFixtures {
  private ServerFixtures() {}

  /** An image with nothing to object to; {@code variant} makes its digest unique. */
  public static Path clean(Path dir, String variant) {
    Path layout = dir.resolve("clean-" + variant);
    new OciLayoutBuilder().refName("clean").config("\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"/app/run\"]")
        .layer(base(), Compression.GZIP, "ADD rootfs.tar /")
        .layer(new LayerBuilder().dir("app").file("app/run", "#!/bin/sh\necho " + variant + "\n").build(), Compression.GZIP, "COPY run /app/")
        .write(layout);
    return layout;
  }

  /**
   * The clean image behind an image index (one linux/amd64 entry), as multi-platform builds push
   * it: the layout's {@code index.json} names the index, the index names the platform manifest.
   */
  static Path indexed(Path dir) throws IOException {
    Path layout = clean(dir, "indexed");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode top = json.readTree(layout.resolve("index.json").toFile()).get("manifests").get(0);
    String index = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"%s","digest":"%s","size":%d,        "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(top.get("mediaType").asText(), top.get("digest").asText(),
        top.get("size").asLong());
    byte[] bytes = index.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hex = OciLayoutBuilder.sha256(bytes).substring("sha256:".length());
    Files.write(layout.resolve("blobs/sha256").resolve(hex), bytes);
    Files.writeString(layout.resolve("index.json"), """
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%d,        "annotations":{"org.opencontainers.image.ref.name":"clean"}}]}""".formatted(hex, bytes.length));
    return layout;
  }

  /** An image that ships a GitHub token: denied at prod by the built-in policy. */
  public static Path leaking(Path dir) {
    Path layout = dir.resolve("leaking");
    String token = "ghp_" + "S3rverT0kenAbc".repeat(3).substring(0, 36);
    new OciLayoutBuilder().refName("leaking").config("\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"/app/run\"]")
        .layer(base(), Compression.GZIP, "ADD rootfs.tar /")
        .layer(new LayerBuilder().dir("app").file("app/config.js", "module.exports = { token: '" + token + "' };\n").build(), Compression.GZIP,
            "COPY config.js /app/")
        .write(layout);
    return layout;
  }

  private static byte[] base() {
    return new LayerBuilder().dir("etc")
        .file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
        .dir("var").dir("var/lib").dir("var/lib/dpkg")
        .file("var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n")
        .build();
  }

  /** A database of synthetic advisories (none of which touches the fixtures' packages). */
  public static Path database(Path dir) throws IOException {
    Path zip = dir.resolve("advisories.zip");
    SyntheticAdvisories.write(zip, 20, 7);
    Path db = dir.resolve("vuln.db");
    new DatabaseImporter(ImportOptions.defaults()).importInto(db, List.of(zip));
    return db;
  }

  /** A fresh P-256 key pair without passphrase: {@code dir/server.key} and {@code dir/server.pub}. */
  static Path[] keyPair(Path dir) throws IOException {
    return keyPair(dir, "server");
  }

  /** A fresh P-256 key pair without passphrase: {@code dir/NAME.key} and {@code dir/NAME.pub}. */
  public static Path[] keyPair(Path dir, String name) throws IOException {
    Path key = dir.resolve(name + ".key");
    Path pub = dir.resolve(name + ".pub");
    PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), Passphrase.empty(), KeyFormat.values()[0], key, pub);
    return new Path[] {key, pub};
  }

  /**
   * Waits (at most 3 minutes) until the server's admission facts of {@code image} satisfy {@code
   * ready}; fails with the last facts and the server's log otherwise.
   */
  public static void awaitFacts(ApiClient api, String image, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ready,
      java.util.function.Supplier<String> log) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
    com.fasterxml.jackson.databind.JsonNode last = null;
    while (System.nanoTime() < deadline) {
      ApiClient.Answer a = api.get("/v1/admission/facts?image=" + java.net.URLEncoder.encode(image, java.nio.charset.StandardCharsets.UTF_8));
      if (a.status() == 200) {
        last = a.json().get("facts");
        if (ready.test(last)) {
          return;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError("the server did not read the facts of " + image + " in time (last: " + last + "); log:\n" + log.get());
  }

  /** The first administrator every test server is configured with. */
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "correct horse battery staple";
  /** Every role over every repository: what a test that is not about permissions calls with. */
  public static final List<String> ALL_ROLES = List.of("viewer:**", "developer:**", "security:**", "operator:**", "auditor:**", "admin:**");

  /** The configuration's {@code auth:} section naming the first administrator (its password in a file in {@code dir}). */
  public static String auth(Path dir) throws IOException {
    Path password = dir.resolve("admin-password");
    Files.writeString(password, ADMIN_PASSWORD + "\n");
    return "auth:\n  admin:\n    name: " + ADMIN + "\n    passwordFile: " + password + "\n";
  }

  /**
   * Writes {@code dir/server.yaml} for a server on {@code port} with one worker, the synthetic
   * database, no sweep, a registry {@code dev} at a port where nothing listens, {@code extra}
   * (top-level YAML settings) and, last, the first administrator's {@code auth:} section.
   */
  public static Path offlineConfig(Path dir, int port, String extra) throws IOException {
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 1
        vulnerabilityDatabase: %s
        sweepInterval: 0
        %s
        registries:
          - name: dev
            url: http://127.0.0.1:%d
        """.formatted(port, database(dir), extra.strip(), dev.portcullis.testkit.RegistryProcess.freePort())
        + auth(dir));
    return config;
  }

  /** Starts a server in this process with {@code config}, its log into {@code log}. */
  public static Server start(Path config, java.io.OutputStream log) throws IOException {
    return Server.start(new Server.Options(config, java.util.Optional.empty(), java.util.Optional.empty(), false, "test",
        new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(), java.time.Clock.systemUTC()));
  }

  /** A machine token with these grants, made by the administrator through the API. */
  public static String token(int port, String name, List<String> grants) throws IOException, InterruptedException {
    return ApiClient.login(port, ADMIN, ADMIN_PASSWORD).createToken(name, "", grants);
  }

  /**
   * A local user with these grants, made by the administrator through the API, logged in: a second
   * person for the separation-of-duties checks (its password is {@link #ADMIN_PASSWORD} too).
   */
  public static ApiClient user(int port, String name, List<String> grants) throws IOException, InterruptedException {
    ApiClient.login(port, ADMIN, ADMIN_PASSWORD).createUser(name, ADMIN_PASSWORD, grants);
    return ApiClient.login(port, name, ADMIN_PASSWORD);
  }

  static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }
}
