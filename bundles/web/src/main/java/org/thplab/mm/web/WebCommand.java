package org.thplab.mm.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;

/**
 * {@code web [start [<port>] [<address>] | stop | url]}: starts the Felix HTTP service by writing
 * its Configuration Admin configuration ({@code org.apache.felix.http}: enabled, host, port) and
 * prints the page's URL with the token; {@code ./thplab --web} does the same at start. The
 * service is off until then: the runtime starts it disabled, so a script run opens no port.
 */
@Component(service = WebCommand.class, immediate = true, property = {"osgi.command.scope=mm", "osgi.command.function=web"})
public class WebCommand {
    static final String FELIX_PID = "org.apache.felix.http";
    static final String ENABLE = "org.apache.felix.http.enable";
    static final String HOST = "org.apache.felix.http.host";
    static final String PORT = "org.osgi.service.http.port";
    static final int DEFAULT_PORT = 8480;

    /** An endpoint whose host is IPv6 without brackets: http://::1:8480/ */
    private static final Pattern BARE_IPV6 = Pattern.compile("http://([^\\[\\]/]*:[^\\[\\]/]*):(\\d+)(/.*)?");
    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final WebView view;

    @Activate
    public WebCommand(BundleContext context, @Reference ConfigurationAdmin cm, @Reference WebView view) throws IOException {
        this.context = context;
        this.cm = cm;
        this.view = view;
        if (Boolean.parseBoolean(context.getProperty("thplab.web"))) {
            String port = context.getProperty("thplab.web.port");
            String address = context.getProperty("thplab.web.address");
            // not on SCR's thread: the HTTP service starts on Configuration Admin's, after this returns
            Thread t = new Thread(() -> {
                try {
                    System.err.println("web: " + start(port == null ? null : Integer.valueOf(port), address));
                } catch (IOException | RuntimeException e) {
                    System.err.println("web: " + e.getMessage());
                }
            }, "thplab-web-start");
            t.setDaemon(true);
            t.start();
        } else {
            Configuration c = cm.getConfiguration(FELIX_PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            if (p != null && Boolean.parseBoolean(String.valueOf(p.get(ENABLE)))) {
                p.put(ENABLE, false); // kept from an earlier session: the server runs only when asked
                c.update(p);
            }
        }
    }

    @Descriptor("the web view: web start [<port>] [<address>] | web stop | web url (docs/web.md)")
    public String web(String... words) throws IOException {
        List<String> w = List.of(words);
        String what = w.isEmpty() ? "url" : w.get(0);
        switch (what) {
            case "start" -> {
                if (w.size() > 3) {
                    throw new IllegalArgumentException("usage: web start [<port>] [<address>]");
                }
                Integer port = null;
                if (w.size() > 1) {
                    try {
                        port = Integer.valueOf(w.get(1));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("web start: bad port '" + w.get(1) + "'");
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("web start: bad port " + port + " (0 to 65535; 0 takes a free one)");
                    }
                }
                return start(port, w.size() > 2 ? w.get(2) : null);
            }
            case "stop" -> {
                Configuration c = cm.getConfiguration(FELIX_PID, "?");
                Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
                p.put(ENABLE, false);
                c.update(p);
                return "web: stopped";
            }
            case "url" -> {
                String url = url();
                return url == null ? "web: not started (web start)" : url;
            }
            default -> throw new IllegalArgumentException("usage: web [start [<port>] [<address>] | stop | url]");
        }
    }

    /** Enables the HTTP service with the port and address given (else those configured, else 8480 on 127.0.0.1); waits for it. */
    String start(Integer port, String address) throws IOException {
        Configuration c = cm.getConfiguration(FELIX_PID, "?");
        Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        Dictionary<String, Object> before = copy(p);
        // Checked before anything is written: a bad address or a taken port changes nothing.
        String host = address != null ? address : p.get(HOST) != null ? String.valueOf(p.get(HOST)) : "127.0.0.1";
        InetAddress at = localAddress(host);
        int wanted = port != null ? port : p.get(PORT) != null ? Integer.parseInt(String.valueOf(p.get(PORT))) : DEFAULT_PORT;
        boolean serving = url() != null && String.valueOf(wanted).equals(String.valueOf(p.get(PORT)))
                && sameAddress(at, p.get(HOST));
        if (serving) {
            return url(); // as asked already
        }
        if (wanted != 0) {
            try (ServerSocket probe = new ServerSocket(wanted, 1, at)) { // closed at once: only asks whether it binds
            } catch (IOException e) {
                throw new IllegalArgumentException("web start: port " + wanted + " on " + at.getHostAddress()
                        + " is taken (" + e.getMessage() + "); 0 takes a free one");
            }
        }
        p.put(PORT, wanted);
        p.put(HOST, host);
        p.put(ENABLE, true);
        String old = url();
        c.update(p);
        // The service restarts on its own thread: until then it still announces the old endpoint.
        long until = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < until) {
            String url = url();
            if (url != null && (wanted != 0 ? url.contains(":" + wanted + "/") : !url.equals(old))) {
                return url;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        c.update(before); // nothing changed: the service as it was
        throw new IllegalStateException("web: the HTTP service did not start on " + p.get(HOST) + ":" + p.get(PORT)
                + " within 15 s (is the port taken?)");
    }

    /** @return the address, which must be one of this machine's (or 0.0.0.0, every one) */
    private static InetAddress localAddress(String address) {
        InetAddress a;
        try {
            a = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("web start: unknown address '" + address + "'");
        }
        try {
            if (a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null) {
                return a;
            }
        } catch (SocketException e) {
            // named below
        }
        throw new IllegalArgumentException("web start: " + address + " is not an address of this machine (127.0.0.1, the default;"
                + " 0.0.0.0 for all of them; or one of its interfaces')");
    }

    /** @return whether the configured host is the address {@code at} (localhost and 127.0.0.1 are one) */
    private static boolean sameAddress(InetAddress at, Object configured) {
        try {
            return configured != null && InetAddress.getByName(String.valueOf(configured)).equals(at);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> p) {
        Dictionary<String, Object> out = new Hashtable<>();
        for (java.util.Enumeration<String> k = p.keys(); k.hasMoreElements();) {
            String key = k.nextElement();
            out.put(key, p.get(key));
        }
        return out;
    }

    /** @return the page's URL with the token, once the HTTP service listens; else null */
    String url() {
        try {
            Configuration c = cm.getConfiguration(FELIX_PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            if (p == null || !Boolean.parseBoolean(String.valueOf(p.get(ENABLE)))) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        for (ServiceReference<HttpServiceRuntime> r : refs()) {
            Object ep = r.getProperty(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT);
            List<String> all = ep instanceof String[] a ? List.of(a)
                    : ep instanceof java.util.Collection<?> l ? l.stream().map(String::valueOf).toList()
                    : ep == null ? List.of() : List.of(String.valueOf(ep));
            // On 0.0.0.0 the service names every interface's address: loopback first, then IPv4.
            String first = all.stream().filter(u -> u.startsWith("http://127.")).findFirst()
                    .or(() -> all.stream().filter(u -> !u.contains("[")).findFirst())
                    .orElse(all.isEmpty() ? null : all.get(0));
            if (first != null) {
                // An IPv6 endpoint may come without brackets (http://::1:8480/): a URL needs them.
                Matcher m = BARE_IPV6.matcher(first);
                if (m.matches()) {
                    first = "http://[" + m.group(1) + "]:" + m.group(2) + (m.group(3) == null ? "/" : m.group(3));
                }
                String base = first.endsWith("/") ? first : first + "/";
                return base + "thplab/index.html?token=" + view.token();
            }
        }
        return null;
    }

    private java.util.Collection<ServiceReference<HttpServiceRuntime>> refs() {
        try {
            return context.getServiceReferences(HttpServiceRuntime.class, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
