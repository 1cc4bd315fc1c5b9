package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's headless Chromium, driven by Selenium against a real server (SQLite)
 * and a real registry: hostile strings from an image are shown as text, a developer asks for an
 * exception and a release and cannot approve them, a security user can, an auditor sees every
 * step in the verified audit trail; a session ends at sign-out and a form without its CSRF token
 * is refused.
 */
class DashboardBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "notify-secret-for-browser-tests";
  /** What an image's label carries: a script element, were it written into the page as markup. */
  private static final String SCRIPT_LABEL = "<script>alert(1)</script>";
  /** What a file name in the image carries: an attribute break and an element with a handler. */
  private static final String IMG_PAYLOAD = "\"><img src=x onerror=alert(2)>";
  private static final String DEV = "dana";
  private static final String SEC = "sam";
  private static final String AUDITOR = "audrey";
  private static final String PASSWORD = "a long enough password for the browser test";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** The test uses no DevTools protocol, so Selenium's warning that it has none for this Chromium's version is noise; kept here so it stays quiet. */
  private static final java.util.logging.Logger CDP_WARNINGS = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

  @TempDir Path dir;
  private RegistryProcess registry;
  private Server server;
  private int port;
  private ApiClient admin;
  private WebDriver browser;
  private WebDriverWait wait;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("headless Chromium (%s) and its driver (%s) are missing: bin/test installs Debian's chromium and chromium-driver", CHROMIUM,
            CHROMEDRIVER)
        .isTrue();
    Files.deleteIfExists(SCREENSHOTS.resolve("failure.png"));
    Files.deleteIfExists(SCREENSHOTS.resolve("failure.html"));
    port = RegistryProcess.freePort();
    registry = RegistryProcess.start(RegistryProcess.Options.plain()
        .withNotifications("http://127.0.0.1:" + port + "/v1/notifications/dev", SECRET));
    ServerFixtures.keyPair(dir);
    ServerFixtures.write(dir.resolve("secret"), SECRET + "\n");
    Path config = dir.resolve("server.yaml");
    ServerFixtures.write(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 2
        vulnerabilityDatabase: %s
        signatureGrace: 1s
        sweepInterval: 0
        signing:
          key: server.key
        notifications:
          secretFile: secret
        registries:
          - name: dev
            url: http://%s
            stage: prod
        """.formatted(port, ServerFixtures.database(dir), registry.host()) + ServerFixtures.auth(dir));
    server = Server.start(new Server.Options(config, Optional.empty(), Optional.empty(), false, "test",
        new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC()));
    admin = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD);
    // the developer also holds the security role: only separation of duties stops her approving her own requests
    admin.createUser(DEV, PASSWORD, List.of("developer:**", "security:**"));
    admin.createUser(SEC, PASSWORD, List.of("security:**"));
    admin.createUser(AUDITOR, PASSWORD, List.of("auditor:**"));
    browser = chromium();
    wait = new WebDriverWait(browser, WAIT);
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.SEVERE);
    return logger;
  }

  /** Debian's Chromium through Debian's chromedriver: both named, so Selenium Manager never looks for (or downloads) either. */
  private static WebDriver chromium() {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=en-US", "--window-size=1280,1000");
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 1000));
    driver.manage().timeouts().pageLoadTimeout(WAIT);
    return driver;
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /**
   * An image that ships a GitHub token in a file whose name breaks out of an attribute, and whose
   * configuration has a label with a script element: denied at prod, so quarantined.
   */
  private static Path hostile(Path dir) {
    Path layout = dir.resolve("hostile");
    String token = "ghp_" + "Br0wserT0kenXyz".repeat(3).substring(0, 36);
    String label = SCRIPT_LABEL.replace("\"", "\\\"");
    new OciLayoutBuilder().refName("hostile")
        .config("\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"/app/run\"],\"Labels\":{\"org.example.note\":\"" + label + "\"}")
        .layer(new LayerBuilder().dir("etc")
            .file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
            .build(), Compression.GZIP, "ADD rootfs.tar /")
        .layer(new LayerBuilder().dir("app").file("app/" + IMG_PAYLOAD + ".js", "module.exports = { token: '" + token + "' };\n").build(),
            Compression.GZIP, "COPY config.js /app/")
        .write(layout);
    return layout;
  }

  private String push(Path layout, String refName, String repoTag) throws Exception {
    Skopeo.copy("oci:" + layout + ":" + refName, "docker://" + registry.host() + "/" + repoTag, Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    return ApiClient.JSON.readTree(Skopeo.inspect("docker://" + registry.host() + "/" + repoTag, "--tls-verify=false")).get("Digest").asText();
  }

  /** Waits (bounded) until the server has decided the image; answers its state. */
  private String decided(String digest) {
    return new FluentWait<>(admin).withTimeout(Duration.ofMinutes(1)).pollingEvery(Duration.ofMillis(200))
        .withMessage(() -> "image " + digest + " was not decided; server log:\n" + log.toString(StandardCharsets.UTF_8))
        .until(a -> {
          try {
            ApiClient.Answer answer = a.get("/v1/images/" + digest);
            if (answer.status() != 200) {
              return null;
            }
            String state = answer.json().get("registries").get(0).get("image").get("state").asText();
            return List.of("passed", "warned", "quarantined").contains(state) ? state : null;
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aQuarantinedImageIsExceptedAndReleasedByTwoPeopleAndTheAuditorSeesItAll() throws Exception {
    try {
      flow();
    } catch (Throwable t) {
      keep("failure");
      throw t;
    }
  }

  private void flow() throws Exception {
    String clean = push(ServerFixtures.clean(dir, "browser"), "clean", "web/shop:1.0");
    String bad = push(hostile(dir), "hostile", "web/shop:2.0");
    assertThat(decided(clean)).isEqualTo("passed");
    assertThat(decided(bad)).as(log.toString(StandardCharsets.UTF_8)).isEqualTo("quarantined");

    // a page asked for without a session leads to the login, and back to the page after it
    open("/ui/quarantine");
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    login(DEV);
    wait.until(ExpectedConditions.urlToBe(url("/ui/quarantine")));
    assertThat(text(By.id("whoami"))).isEqualTo(DEV);
    WebElement card = browser.findElement(By.cssSelector("article.quarantined[data-digest='" + bad + "']"));
    assertThat(card.getText()).contains("web/shop").contains("deny at prod");
    assertThat(browser.findElements(By.cssSelector("article.quarantined[data-digest='" + clean + "']"))).isEmpty();
    screenshot("quarantine");

    // the image page: the hostile label and file name are text, and nothing they carry became markup or ran
    followLink(card.findElement(By.cssSelector("h2 a")));
    wait.until(ExpectedConditions.urlToBe(url("/ui/images/" + bad)));
    assertThat(text(By.id("image-digest"))).isEqualTo(bad);
    assertThat(text(By.id("labels"))).contains("label org.example.note").contains(SCRIPT_LABEL);
    WebElement secret = browser.findElements(By.cssSelector("#findings-table tbody tr")).stream()
        .filter(r -> r.getText().contains(IMG_PAYLOAD)).findFirst()
        .orElseThrow(() -> new AssertionError("no finding shows the file name as text:\n" + text(By.id("findings-table"))));
    assertThat(secret.getDomAttribute("data-kind")).isEqualTo("secret");
    assertThat(secret.getText()).doesNotContain("Br0wserT0kenXyzBr0wserT0ken");
    noInjectedMarkup();
    screenshot("image");

    // the developer asks for an exception for that finding, from the finding's own link
    String finding = secret.getDomAttribute("data-finding");
    followLink(secret.findElement(By.cssSelector("a.exception-link")));
    assertThat(browser.findElement(By.id("exception-finding")).getDomProperty("value")).isEqualTo(finding);
    browser.findElement(By.id("exception-justification")).sendKeys("a revoked test token, rotated in TICKET-7");
    LocalDate expires = LocalDate.now(ZoneOffset.UTC).plusDays(30);
    WebElement day = browser.findElement(By.id("exception-expires"));
    day.sendKeys(String.format("%02d%02d%04d", expires.getMonthValue(), expires.getDayOfMonth(), expires.getYear()));
    assertThat(day.getDomProperty("value")).as("the date field (typed as mm/dd/yyyy)").isEqualTo(expires.toString());
    submit(browser.findElement(By.id("exception-submit")));
    wait.until(ExpectedConditions.urlContains("/ui/images/" + bad));
    open("/ui/exceptions");
    WebElement requested = browser.findElement(By.cssSelector("#exceptions-requested tr[data-finding='" + finding + "']"));
    String exceptionId = requested.getDomAttribute("id").substring("exception-".length());
    assertThat(requested.getText()).contains(DEV).contains("TICKET-7");

    // ... and cannot approve it herself, though her roles would allow approving someone else's
    submit(browser.findElement(By.id("approve-exception-submit-" + exceptionId)));
    assertThat(text(By.id("error-status"))).isEqualTo("HTTP 403");
    assertThat(text(By.id("error-message"))).contains("exception " + exceptionId + " was requested by")
        .contains("separation of duties needs someone else to approve it");
    assertThat(exceptionState(exceptionId)).isEqualTo("requested");

    // signing out ends the session: the cookie from before no longer opens a page or calls the API
    open("/ui/images");
    String oldCookie = sessionCookie();
    assertThat(replay("/ui/images", oldCookie).statusCode()).as("the session works before signing out").isEqualTo(200);
    logout();
    HttpResponse<String> page = replay("/ui/images", oldCookie);
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/ui/login"));
    assertThat(replay("/v1/images", oldCookie).statusCode()).isEqualTo(401);

    // a security user approves the exception
    open("/ui/exceptions");
    login(SEC);
    wait.until(ExpectedConditions.urlToBe(url("/ui/exceptions")));
    browser.findElement(By.id("approve-exception-reason-" + exceptionId)).sendKeys("token revoked, checked with the issuer");
    submit(browser.findElement(By.id("approve-exception-submit-" + exceptionId)));
    wait.until(ExpectedConditions.urlToBe(url("/ui/exceptions")));
    WebElement approved = browser.findElement(By.cssSelector("#exceptions-approved #exception-" + exceptionId));
    assertThat(approved.getText()).contains(DEV).contains(SEC).contains("token revoked");
    assertThat(exceptionState(exceptionId)).isEqualTo("approved");
    screenshot("exceptions");
    logout();

    // the developer, in a new session, asks for the release; a form post of hers without the CSRF token changes nothing
    open("/ui/quarantine");
    login(DEV);
    wait.until(ExpectedConditions.urlToBe(url("/ui/quarantine")));
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(url("/v1/releases")))
        .header("Cookie", "portcullis_session=" + sessionCookie()).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("registry", "dev", "digest", bad, "next", "/ui/quarantine",
            "justification", "forged by another site, without the token")))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("CSRF token");
    assertThat(admin.get("/v1/releases").json().get("releases")).as("no release was recorded by the forged post").isEmpty();

    String formId = "request-release-dev-" + bad.replace(':', '-');
    WebElement request = browser.findElement(By.id(formId));
    browser.findElement(By.cssSelector("article.quarantined[data-digest='" + bad + "'] details.request summary")).click();
    wait.until(ExpectedConditions.visibilityOf(request));
    request.findElement(By.tagName("textarea")).sendKeys("the token was revoked and the exception approved (TICKET-7)");
    submit(browser.findElement(By.id(formId + "-submit")));
    wait.until(ExpectedConditions.urlToBe(url("/ui/quarantine")));
    WebElement awaiting = browser.findElement(By.cssSelector("article.quarantined[data-digest='" + bad + "'] tr[data-state='awaiting-approval']"));
    String releaseId = awaiting.getDomAttribute("id").substring("release-".length());
    assertThat(awaiting.getText()).contains(DEV).contains("TICKET-7");
    screenshot("quarantine-release-requested");
    logout();

    // the security user approves the release: the image is released
    open("/ui/quarantine");
    login(SEC);
    wait.until(ExpectedConditions.urlToBe(url("/ui/quarantine")));
    submit(browser.findElement(By.id("approve-release-submit-" + releaseId)));
    wait.until(ExpectedConditions.urlToBe(url("/ui/quarantine")));
    assertThat(browser.findElements(By.cssSelector("article.quarantined[data-digest='" + bad + "']"))).isEmpty();
    open("/ui/images/" + bad);
    assertThat(text(By.cssSelector("#placements tr[data-registry='dev'] span.state"))).isEqualTo("released");
    assertThat(text(By.id("history-table"))).contains("released").contains(SEC);
    noInjectedMarkup();
    screenshot("image-released");
    logout();

    // the auditor sees every step in the trail, and the chain verifies
    open("/ui/audit");
    login(AUDITOR);
    wait.until(ExpectedConditions.urlToBe(url("/ui/audit")));
    WebElement chain = browser.findElement(By.id("chain-status"));
    assertThat(chain.getDomAttribute("class")).contains("chain-ok");
    assertThat(chain.getText()).startsWith("The chain verifies up to record ");
    List<String> rows = browser.findElements(By.cssSelector("#audit-records tbody tr")).stream()
        .map(r -> r.getDomAttribute("data-action") + " " + r.getDomAttribute("data-outcome") + " | " + r.getText()).toList();
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("requestException success").contains(DEV + " (user)")
        .contains("exception:" + exceptionId));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("approveException denied ").contains(DEV + " (user)")
        .contains("separation of duties"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("approveException success").contains(SEC + " (user)"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("requestRelease denied").contains("CSRF token is missing"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("requestRelease success").contains(DEV + " (user)")
        .contains("dev@" + bad));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("approveRelease success").contains(SEC + " (user)"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("logout success").contains(DEV + " (user)"));
    assertThat(rows).filteredOn(r -> r.startsWith("login success")).hasSizeGreaterThanOrEqualTo(5);
    screenshot("audit");

    // and the pages an auditor reads everything from
    open("/ui/images");
    assertThat(browser.findElements(By.cssSelector("#images tbody tr"))).hasSize(2);
    screenshot("images");
    open("/ui/trends");
    assertThat(browser.findElements(By.cssSelector("#trend-chart svg g.series"))).isNotEmpty();
    screenshot("trends");
    noInjectedMarkup();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private void open(String path) {
    browser.get(url(path));
  }

  private String text(By by) {
    return browser.findElement(by).getText();
  }

  private void login(String name) {
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    browser.findElement(By.id("login-name")).sendKeys(name);
    browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
    submit(browser.findElement(By.id("login-submit")));
    assertThat(browser.findElements(By.id("login-message"))).as("the login of " + name + " was refused").isEmpty();
  }

  private void logout() {
    submit(browser.findElement(By.id("logout-submit")));
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    assertThat(browser.manage().getCookieNamed("portcullis_session")).isNull();
  }

  /** Clicks a submit button and waits until the page it leads to has replaced this one. */
  private void submit(WebElement button) {
    WebElement html = browser.findElement(By.tagName("html"));
    button.click();
    wait.until(d -> gone(html));
  }

  /** Whether the element left the document: chromedriver says so as a stale reference or, while the next page loads, as an inspector error. */
  private static boolean gone(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (StaleElementReferenceException e) {
      return true;
    } catch (WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private void followLink(WebElement link) {
    submit(link);
  }

  /** Neither hostile string became an element, and no dialog was opened by one. */
  private void noInjectedMarkup() {
    assertThat(browser.findElements(By.cssSelector("script"))).as("script elements on " + browser.getCurrentUrl()).isEmpty();
    assertThat(browser.findElements(By.cssSelector("img[src='x'], img[onerror], [onerror]"))).as("injected elements").isEmpty();
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
  }

  private String sessionCookie() {
    Cookie c = browser.manage().getCookieNamed("portcullis_session");
    assertThat(c).as("the browser's session cookie").isNotNull();
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    return c.getValue();
  }

  private HttpResponse<String> replay(String path, String cookie) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", "portcullis_session=" + cookie).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
        StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private String exceptionState(String id) throws IOException, InterruptedException {
    JsonNode e = admin.get("/v1/exceptions/" + id).json();
    return e.get("state").asText();
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** What the browser showed when the test failed: the screenshot and the page's source. */
  private void keep(String name) {
    try {
      screenshot(name);
      Files.writeString(SCREENSHOTS.resolve(name + ".html"), browser.getCurrentUrl() + "\n" + browser.getPageSource());
    } catch (RuntimeException | IOException e) {
      // the test's own failure is what matters; a browser that cannot answer any more says nothing more
    }
  }
}
