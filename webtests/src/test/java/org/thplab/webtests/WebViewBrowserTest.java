package org.thplab.webtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web view in a real browser: Debian's headless Chromium, driven by chromedriver through
 * Selenium, against thplab started as {@code ./thplab --web} starts it. The page opens and goes
 * live; a workload started from the page makes the THP share of the memory map rise; the CoW
 * policy swapped from the page is the one the shell's {@code policy} then reports; the workload is
 * stopped from the page. And the server refuses a state-changing request without the token (403,
 * nothing changed) and is not reachable from other addresses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebViewBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path work;
    private static Thplab thplab;
    private static ChromeDriver browser;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        for (String exe : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!new File(exe).canExecute()) {
                throw new IllegalStateException(exe + " is missing: apt-get install chromium chromium-driver (.ci/run does)");
            }
        }
        work = Files.createTempDirectory("thplab-webtests");
        thplab = new Thplab(work.resolve("thplab"));
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        // as root in a VM with a closed network: no sandbox, no GPU, none of Chromium's own connections
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1500,1300", "--user-data-dir=" + work.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (thplab != null) {
            thplab.close();
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(50));
    }

    private static double thpShare() {
        String s = browser.findElement(By.id("thp-share")).getDomAttribute("data-share");
        return s == null ? 0 : Double.parseDouble(s);
    }

    private static void screenshot(String id, String name) throws IOException {
        Path dir = Path.of(System.getProperty("thplab.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        File shot = browser.findElement(By.id(id)).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(thplab.base + "api/" + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("X-Thplab-Token", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode state() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(thplab.base + "api/state")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The cow policy in a snapshot taken after this call (the page, open, keeps them coming). */
    private static String activeCow() throws Exception {
        long seq = state().path("seq").asLong();
        JsonNode s = state();
        for (int i = 0; i < 200 && s.path("seq").asLong() <= seq + 1; i++) {
            Thread.sleep(25);
            s = state();
        }
        for (JsonNode p : s.path("policies")) {
            if (p.path("kind").asText().equals("cow")) {
                return p.path("active").get(0).asText();
            }
        }
        throw new AssertionError("no cow policy in the state");
    }

    @Test
    @Order(1)
    void thePageOpensAndGoesLive() {
        browser.get(thplab.url);
        waitUpTo(20).until(d -> d.findElement(By.id("connection")).getText().equals("live"));
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#legend li")).size() == 24);
        waitUpTo(20).until(d -> !new Select(d.findElement(By.id("workload"))).getOptions().isEmpty());
        waitUpTo(20).until(d -> d.findElement(By.id("policy-cow")) != null);
        assertTrue(browser.findElement(By.id("map-empty")).isDisplayed(), "the map says no machine is booted yet");
    }

    @Test
    @Order(2)
    void aWorkloadStartedFromThePageRaisesTheThpShareOfTheMap() throws Exception {
        new Select(browser.findElement(By.id("workload"))).selectByValue("rfc-fork");
        WebElement params = browser.findElement(By.id("params"));
        params.clear();
        // long enough to be watched and stopped: 127 children of 1 GiB, each then 2 M loads
        params.sendKeys("size=128G chunk=1G accesses=2000000");
        browser.findElement(By.id("run")).click();
        waitUpTo(30).until(d -> d.findElement(By.id("message")).getText().startsWith("job "));
        waitUpTo(60).until(d -> !d.findElement(By.id("map-empty")).isDisplayed()); // the workload booted its machine
        waitUpTo(60).until(d -> thpShare() > 0.02);
        double first = thpShare();
        waitUpTo(60).until(d -> thpShare() > first + 0.02);
        assertTrue(thpShare() > first, "the THP share rose");
        waitUpTo(30).until(d -> !d.findElements(By.cssSelector("#processes tbody tr")).isEmpty());
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("#jobs li.running")).size() == 1);
        Thread.sleep(1500); // a few more points on the charts
        screenshot("map-section", "web-map.png");
        screenshot("counters-section", "web-counters.png");
        screenshot("processes-section", "web-processes.png");
        assertTrue(state().path("snapshot_cost_ns").asLong() > 0, "a snapshot says what the one before it cost");
    }

    @Test
    @Order(3)
    void theCowPolicySwappedFromThePageIsTheOneTheShellReports() throws Exception {
        assertEquals("pte", activeCow());
        new Select(browser.findElement(By.id("policy-cow"))).selectByValue("huge");
        waitUpTo(20).until(d -> d.findElement(By.id("message")).getText().equals("cow: huge"));
        int mark = thplab.output().size();
        thplab.type("policy");
        String line = thplab.awaitLine(mark, "cow ", 20_000);
        assertTrue(line.matches("(thplab> )*cow +huge .*"), line);
        assertEquals("huge", activeCow());
    }

    @Test
    @Order(4)
    void theWorkloadIsStoppedFromThePage() {
        WebElement job = browser.findElement(By.cssSelector("#jobs li.running"));
        job.findElement(By.tagName("button")).click();
        waitUpTo(60).until(d -> d.findElement(By.id("message")).getText().matches("job \\d+ stopped"));
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("#jobs li.running")).isEmpty()
                && !d.findElements(By.cssSelector("#jobs li.done")).isEmpty());
    }

    @Test
    @Order(5)
    void aStateChangingRequestWithoutTheTokenIsRefusedAndChangesNothing() throws Exception {
        String before = activeCow();
        String other = before.equals("pte") ? "huge" : "pte";
        HttpResponse<String> none = post("policy", "{\"kind\":\"cow\",\"name\":\"" + other + "\"}", null);
        assertEquals(403, none.statusCode(), none.body());
        HttpResponse<String> wrong = post("policy", "{\"kind\":\"cow\",\"name\":\"" + other + "\"}", thplab.token + "0");
        assertEquals(403, wrong.statusCode(), wrong.body());
        assertEquals(403, post("run", "{\"workload\":\"rfc-fork\"}", null).statusCode());
        assertEquals(before, activeCow(), "nothing changed");
        HttpResponse<String> ok = post("policy", "{\"kind\":\"cow\",\"name\":\"" + other + "\"}", thplab.token);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(other, activeCow());
        HttpResponse<String> bad = post("policy", "{\"kind\":\"cow\",\"name\":\"no-such\"}", thplab.token);
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals(other, activeCow(), "a refused policy changes nothing");
    }

    @Test
    @Order(6)
    void theServerIsNotReachableFromOtherAddresses() throws Exception {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && !i.isLoopback()) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        others.add(a);
                    }
                }
            }
        }
        Assumptions.assumeFalse(others.isEmpty(), "this machine has no address but loopback");
        for (InetAddress a : others) {
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(a, thplab.port), 3000);
                }
            }, "port " + thplab.port + " on " + a);
        }
        // and a page of another origin that rebinds its name to 127.0.0.1 is refused by its Host
        try (Socket s = new Socket("127.0.0.1", thplab.port)) {
            s.getOutputStream().write(("GET /thplab/api/state HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 403 Forbidden", status);
        }
    }
}
