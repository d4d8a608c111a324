package org.thplab.mm.web;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.thplab.mm.api.ByteSize;
import org.thplab.mm.api.FrameState;
import org.thplab.mm.api.WorkloadParameter;

/**
 * The web view's API under {@code /thplab/api/} (docs/web.md). Reads are GETs and need no token;
 * every request that changes state is a POST that carries the token printed at start in the
 * {@code X-Thplab-Token} header, else it is refused with 403 before anything is read of it. A
 * request whose Host header is not this machine's loopback name is refused too (a page of another
 * origin that rebinds its name to 127.0.0.1 must not reach it).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/thplab/api/*")
public class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String TOKEN_HEADER = "X-Thplab-Token";

    private final transient WebView view;

    @Activate
    public ApiServlet(@Reference WebView view) {
        this.view = view;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!hostAllowed(req, resp)) {
            return;
        }
        String path = path(req);
        try {
            switch (path) {
                case "/state" -> send(resp, "application/json", view.current().state());
                case "/map" -> send(resp, "application/octet-stream", view.current().map());
                case "/events" -> events(req, resp);
                case "/legend" -> json(resp, 200, legend());
                case "/frames" -> {
                    long count = longParam(req, "count"); // MachineOps.frames checks the range; here only that it is an int
                    if (count != (int) count) {
                        throw new IllegalArgumentException("frames: count " + count + " is more than 1048576 frames at once");
                    }
                    json(resp, 200, view.machine().ops().frames(longParam(req, "pfn"), (int) count));
                }
                case "/workloads" -> json(resp, 200, workloads());
                default -> json(resp, 404, Map.of("error", "no such resource: " + path));
            }
        } catch (IllegalArgumentException e) {
            json(resp, 400, Map.of("error", e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HEAD of the event stream: its headers only (HttpServlet's HEAD would run the stream, unseen, forever). */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException, jakarta.servlet.ServletException {
        if (path(req).equals("/events")) {
            if (hostAllowed(req, resp)) {
                resp.setStatus(200);
                resp.setContentType("text/event-stream");
                resp.setHeader("Cache-Control", "no-cache");
            }
            return;
        }
        super.doHead(req, resp);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!hostAllowed(req, resp)) {
            return;
        }
        if (!view.tokenMatches(req.getHeader(TOKEN_HEADER))) {
            json(resp, 403, Map.of("error", "a request that changes state needs the token that 'web' printed, in the "
                    + TOKEN_HEADER + " header"));
            return;
        }
        String path = path(req);
        try {
            JsonNode body = WebView.JSON.readTree(req.getInputStream());
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            switch (path) {
                case "/policy" -> {
                    view.machine().policyAdmin().usePolicy(text(body, "kind"), text(body, "name"));
                    json(resp, 200, Map.of("ok", true));
                }
                case "/run" -> {
                    Map<String, String> params = new LinkedHashMap<>();
                    JsonNode ps = body.path("params");
                    if (!ps.isMissingNode() && !ps.isObject()) {
                        throw new IllegalArgumentException("'params' must be an object of parameter names and values, as {\"size\": \"64G\"}");
                    }
                    ps.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
                    String workload = text(body, "workload");
                    for (WorkloadParameter p : view.workloads().parameters(workload)) {
                        if (p.type() == WorkloadParameter.Type.SIZE && params.containsKey(p.name())) {
                            params.put(p.name(), Long.toString(bytes(p.name(), params.get(p.name()))));
                        }
                    }
                    int job = view.workloads().runBackground(view.machineName(), workload, params);
                    json(resp, 200, Map.of("job", job));
                }
                case "/stop" -> {
                    JsonNode j = body.path("job");
                    if (!j.isIntegralNumber() || !j.canConvertToInt()) {
                        throw new IllegalArgumentException("'job' must be a job's number");
                    }
                    json(resp, 200, Map.of("report", view.workloads().stop(j.asInt())));
                }
                default -> json(resp, 404, Map.of("error", "no such action: " + path));
            }
        } catch (IllegalArgumentException e) {
            json(resp, 400, Map.of("error", e.getMessage()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            json(resp, 400, Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
        }
    }

    /** Server-sent events: a {@code state} event for each new snapshot, a comment every 15 s of quiet. */
    private void events(HttpServletRequest req, HttpServletResponse resp) throws IOException, InterruptedException {
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        OutputStream out = resp.getOutputStream();
        view.listen();
        try {
            long seen = 0;
            out.write(": thplab\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!Thread.currentThread().isInterrupted() && view.open()) {
                WebView.Snapshot s = view.await(seen, 15_000);
                if (s.seq() > seen) {
                    seen = s.seq();
                    out.write(("event: state\nid: " + s.seq() + "\ndata: ").getBytes(StandardCharsets.UTF_8));
                    out.write(s.state());
                    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(": quiet\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush(); // an IOException here: the page went away
            }
        } catch (IOException e) {
            // the client closed the stream
        } finally {
            view.unlisten();
        }
    }

    private static List<Map<String, Object>> legend() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FrameState s : FrameState.values()) {
            out.add(Map.of("code", s.ordinal(), "name", s.name(), "label", s.label()));
        }
        return out;
    }

    private List<Map<String, Object>> workloads() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String w : view.workloads().installed()) {
            List<Map<String, String>> ps = new ArrayList<>();
            for (WorkloadParameter p : view.workloads().parameters(w)) {
                ps.add(Map.of("name", p.name(), "default", p.defaultValue()));
            }
            out.add(Map.of("name", w, "parameters", ps));
        }
        return out;
    }

    /** Refuses a Host that is not a loopback name, unless the server listens on another address. */
    private static boolean hostAllowed(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String host = req.getServerName();
        if (!loopback(req.getLocalAddr()) || loopbackName(host)) {
            return true;
        }
        json(resp, 403, Map.of("error", "refused: Host '" + host + "' is not this machine's loopback address"));
        return false;
    }

    /** @return whether the server's own address (a literal: Jetty gives IPv6 in brackets) is a loopback one */
    static boolean loopback(String local) {
        if (local == null) {
            return true;
        }
        try {
            return InetAddress.getByName(local.replace("[", "").replace("]", "")).isLoopbackAddress(); // a literal: no DNS
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * @return whether a Host names loopback: localhost (any case, a trailing dot), a dotted quad in
     *     127.0.0.0/8, or ::1 in brackets, in any of its spellings. A name that only begins with
     *     127. ({@code 127.0.0.1.attacker.example}) is a DNS name, and refused (DNS rebinding).
     */
    static boolean loopbackName(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || h.matches("\\[?[0:]*:0*1]?")) {
            try {
                return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** A size as the shell takes it ({@link ByteSize}). */
    static long bytes(String name, String v) {
        long b = ByteSize.parse(v);
        if (b < 0) {
            throw new IllegalArgumentException("run: bad size '" + v + "' for " + name + " (bytes, or a number with K, M, G or T)");
        }
        return b;
    }

    private static String path(HttpServletRequest req) {
        String p = req.getPathInfo();
        return p == null ? "/" : p;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' is missing (a string)");
        }
        return n.asText();
    }

    private static long longParam(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        if (v == null) {
            throw new IllegalArgumentException("the parameter '" + name + "' is missing");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the parameter '" + name + "' must be a number, not '" + v + "'");
        }
    }

    private static void send(HttpServletResponse resp, String type, byte[] body) throws IOException {
        resp.setStatus(200);
        resp.setContentType(type);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private static void json(HttpServletResponse resp, int status, Object o) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        byte[] b = WebView.JSON.writeValueAsBytes(o);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
