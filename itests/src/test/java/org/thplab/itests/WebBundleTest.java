package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.FrameState;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.Workloads;

/**
 * The web bundle in the framework: the HTTP service is off until {@code web start}, which
 * enables it through Configuration Admin (here on a free port) and prints the URL with the token;
 * the page, uPlot from its WebJar and the API answer; a POST without the token is refused and
 * changes nothing; the binary map has the layout docs/web.md gives; {@code web stop} stops it.
 */
class WebBundleTest {
    private static String gogo(CommandSession s, String line) throws Exception {
        Object r = s.execute(line);
        return r == null ? "" : String.valueOf(r);
    }

    @Test
    void webStartServesThePageAndItsApiAndRefusesAPostWithoutTheToken(
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) CommandProcessor processor,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) MachineFactory machines,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) Workloads workloads) throws Exception {
        PrintStream print = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        assertEquals("web: not started (web start)", gogo(session, "mm:web url"));
        MachineOps mm = machines.defaultMachine().ops();
        mm.boot(64L << 20, 0, 0);
        // Bad input names the problem and leaves the service as it was: off.
        Exception bad = assertThrows(Exception.class, () -> gogo(session, "mm:web start 0 8.8.8.8"));
        assertTrue(bad.getMessage().contains("8.8.8.8 is not an address of this machine"), bad.getMessage());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exception busy = assertThrows(Exception.class, () -> gogo(session, "mm:web start " + taken.getLocalPort()));
            assertTrue(busy.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is taken"), busy.getMessage());
        }
        assertEquals("web: not started (web start)", gogo(session, "mm:web url"));
        String url = gogo(session, "mm:web start 0");
        try {
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/thplab/index\\.html\\?token=[0-9a-f]{48}"), url);
            String base = url.substring(0, url.indexOf("index.html"));
            String token = url.substring(url.indexOf("token=") + 6);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("lib/uplot/uPlot.iife.min.js"));
            HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(URI.create(base + "lib/uplot/uPlot.iife.min.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, uplot.statusCode());
            assertTrue(uplot.body().contains("uPlot"));
            HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(base + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, state.statusCode());
            assertTrue(state.body().contains("\"booted\":true"), state.body());
            HttpResponse<byte[]> map = http.send(HttpRequest.newBuilder(URI.create(base + "api/map")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            ByteBuffer b = ByteBuffer.wrap(map.body()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x4d504854, b.getInt(), "THPM");
            int fpp = b.getInt();
            int pixels = b.getInt();
            int blocks = b.getInt();
            assertEquals(16384, b.getLong());
            assertEquals(1, fpp, "16384 frames fit in 262144 pixels");
            assertEquals(16384, pixels);
            assertEquals(32, blocks);
            assertEquals(24 + pixels + blocks, map.body().length);
            assertEquals(FrameState.KERNEL.ordinal(), map.body()[24], "frame 0 is the kernel's");
            String cow = Itests.policy(machines.defaultMachine().policyAdmin(), "cow").active().get(0);
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "api/policy"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"cow\",\"name\":\"huge\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals(cow, Itests.policy(machines.defaultMachine().policyAdmin(), "cow").active().get(0));
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "api/policy"))
                    .header("X-Thplab-Token", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"cow\",\"name\":\"huge\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            // No page listens, so no snapshots are being taken: a GET takes a new one, never the stale one.
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(base + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(after.body().contains("{\"kind\":\"cow\",\"active\":[\"huge\"]"), after.body());
            String jobs = String.valueOf(workloads.jobs()); // earlier tests' jobs, done
            HttpResponse<String> badParams = http.send(HttpRequest.newBuilder(URI.create(base + "api/run"))
                    .header("X-Thplab-Token", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"workload\":\"rfc-fork\",\"params\":[1]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, badParams.statusCode(), badParams.body());
            assertTrue(badParams.body().contains("'params' must be an object"), badParams.body());
            assertEquals(jobs, String.valueOf(workloads.jobs()), "no job was started");
            machines.defaultMachine().policyAdmin().usePolicy("cow", cow.split(" ")[0]); // "pte (bundle version)"
            // Bad input with the token: 400 naming the problem, and nothing changes.
            for (String[] wrong : new String[][] {
                {"policy", "{\"kind\":\"cow\",\"name\":\"huge\"} }}}garbage", "not JSON"},
                {"stop", "{\"job\":1.9}", "'job' must be a job's number"}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/" + wrong[0]))
                        .header("X-Thplab-Token", token).POST(HttpRequest.BodyPublishers.ofString(wrong[1])).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), wrong[1] + ": " + r.body());
                assertTrue(r.body().contains(wrong[2]), r.body());
            }
            assertEquals(cow, Itests.policy(machines.defaultMachine().policyAdmin(), "cow").active().get(0), "trailing garbage swapped nothing");
            for (String q : new String[] {"pfn=9223372036854775807&count=1", "pfn=0&count=4294967297", "pfn=-1&count=1"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/frames?" + q)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), q + ": " + r.body());
            }
            // HEAD of the event stream answers its headers and ends (it ran the stream, unseen, forever).
            HttpResponse<Void> head = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/events"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, head.statusCode());
        } finally {
            assertEquals("web: stopped", gogo(session, "mm:web stop"));
        }
        Itests.await("the HTTP service to stop", () -> {
            try {
                return gogo(session, "mm:web url").startsWith("web: not started");
            } catch (Exception e) {
                return false;
            }
        });
    }
}
