package org.thplab.mm.shell;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Script mode: when the framework property {@value #SCRIPTS} names .mm files (separated by the
 * path separator), runs them once the commands are available, prints the transcript on standard
 * output and ends the JVM with 0, with 1 after printing {@code FILE:LINE: message} on standard
 * error at the first misused command, 2 when a script cannot be read, 3 when anything else was
 * thrown (out of memory, a stack overflow, a bug): one line on standard error, and the JVM ends. The launcher sets the property for {@code ./thplab FILE...}; with
 * {@value Kdiff#MODE} set too ({@code ./thplab kdiff FILE...}) the scripts go to {@link Kdiff}, with
 * {@value SweepCommand#SPEC} ({@code ./thplab sweep SPEC}) the spec goes to {@link SweepCommand}.
 */
@Component(immediate = true)
public class ScriptRunner {
    /** Framework (or system) property listing the scripts to run. */
    public static final String SCRIPTS = "thplab.scripts";
    /** Exit code: every line ran. */
    static final int OK = 0;
    /** Exit code: a misused command (a piped session: a command failed). */
    static final int MISUSED = 1;
    /** Exit code: a script cannot be read. */
    static final int UNREADABLE = 2;
    /** Exit code: the JVM failed (out of memory, stack overflow) or thplab did (a bug). */
    static final int FAILED = 3;
    /** Standard output in UTF-8, whatever the platform's default charset. */
    static final PrintStream STDOUT = utf8(FileDescriptor.out);
    /** Standard error in UTF-8. */
    static final PrintStream STDERR = utf8(FileDescriptor.err);
    private static final Logger LOG = LoggerFactory.getLogger(ScriptRunner.class);
    /** With -Dthplab.timing=true each command's wall time is printed on stderr. */
    static final boolean TIMING = Boolean.getBoolean("thplab.timing");
    /** The property FileInstall puts on each configuration it creates from a file. */
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    @Activate
    public ScriptRunner(BundleContext context, @Reference Commands commands) {
        String scripts = context.getProperty(SCRIPTS);
        if (scripts == null || scripts.isBlank()) {
            return;
        }
        // Run on a thread of our own so that SCR's activation is not held up by the whole run, and
        // only once every bundle has started: policies start at the same start level as this
        // bundle, and a script must not race their registration.
        Thread t = new Thread(() -> {
            int rc;
            try {
                try {
                    awaitStartup(context);
                } catch (RuntimeException e) {
                    // A framework changing under us must not keep the scripts from running (and the
                    // JVM from exiting).
                    LOG.warn("waiting for start-up failed; running the scripts anyway: {}", e.toString());
                }
                String kdiff = context.getProperty(Kdiff.MODE);
                String sweep = context.getProperty(SweepCommand.SPEC);
                rc = sweep != null && !sweep.isBlank() ? SweepCommand.launch(commands, sweep, context.getProperty(SweepCommand.OUT))
                        : kdiff != null && !kdiff.isBlank() ? Kdiff.runAll(commands, kdiff, scripts, STDOUT)
                        : runAll(commands, scripts, STDOUT, STDERR);
            } catch (Throwable e) {
                // Whatever failed (out of memory, a stack overflow, a bug), the JVM must end, and
                // say why: a thread that died of it would leave the framework running for ever.
                rc = failed(e, "thplab: ", STDERR);
            }
            STDOUT.flush();
            System.exit(rc);
        }, "thplab-script");
        t.start();
    }

    /**
     * Waits (at most 30 s) until every bundle that is not a fragment is active, every jar in the
     * FileInstall folder is installed, every configuration file there is in Configuration Admin
     * and delivered, and services stop changing: a policy or a selection dropped into
     * {@code deploy/} must not race the script's first line. A jar there that cannot run is not
     * waited for: one that is not a bundle at all, and one installed but unresolvable (tried at
     * once with {@link FrameworkWiring#resolveBundles}), each named in a warning with the
     * requirement nothing provides.
     */
    static List<String> awaitStartup(BundleContext context) {
        List<String> warnings = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        int lastServices = -1;
        List<String> deployed = new java.util.ArrayList<>(deployed(context, ".jar"));
        deployed.removeIf(jar -> notABundle(context, jar, warnings));
        List<String> configs = new java.util.ArrayList<>(deployed(context, ".cfg"));
        configs.addAll(deployed(context, ".config"));
        java.util.Set<Long> unresolvable = new java.util.HashSet<>();
        String waitingFor = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            List<String> missing = new java.util.ArrayList<>();
            for (String jar : deployed) {
                boolean found = false;
                for (Bundle b : context.getBundles()) {
                    found |= b.getLocation().endsWith("/" + jar);
                }
                if (!found) {
                    missing.add("deploy/" + jar + " (not installed)");
                }
                all &= found;
            }
            if (all) {
                // every jar is installed: one that does not resolve now never will by waiting
                for (Bundle b : context.getBundles()) {
                    if (b.getState() == Bundle.INSTALLED && !unresolvable.contains(b.getBundleId()) && !isFragment(b)
                            && !resolves(context, b)) {
                        unresolvable.add(b.getBundleId());
                        warn(warnings, shown(b) + " cannot be resolved, so it does not start; running without it: "
                                + unresolved(context, b));
                    }
                }
            }
            all &= configs.isEmpty() || configured(context).containsAll(configs);
            int services = 0;
            for (Bundle b : context.getBundles()) {
                if (!isFragment(b) && b.getState() != Bundle.ACTIVE && !unresolvable.contains(b.getBundleId())) {
                    all = false;
                    missing.add(shown(b) + " (" + state(b) + ")");
                }
                var regs = b.getRegisteredServices();
                services += regs == null ? 0 : regs.length;
            }
            waitingFor = String.join(", ", missing);
            if (all && services == lastServices) {
                if (!configs.isEmpty()) {
                    awaitConfigDelivery(context, deadline);
                }
                return warnings;
            }
            lastServices = all ? services : -1;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return warnings;
            }
        }
        warn(warnings, "not every bundle started within 30 s; running the scripts anyway"
                + (waitingFor.isEmpty() ? " (services kept changing)" : "; still waiting for: " + waitingFor));
        return warnings;
    }

    private static void warn(List<String> warnings, String warning) {
        LOG.warn("{}", warning);
        warnings.add(warning);
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private static boolean resolves(BundleContext context, Bundle b) {
        FrameworkWiring fw = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class);
        return fw == null || fw.resolveBundles(List.of(b));
    }

    /** A bundle as a user knows it: the jar of deploy/ it came from, or its symbolic name. */
    private static String shown(Bundle b) {
        String loc = b.getLocation();
        int slash = loc.lastIndexOf('/');
        String jar = slash >= 0 ? loc.substring(slash + 1) : loc;
        String name = b.getSymbolicName() + " " + b.getVersion();
        return loc.contains("/deploy/") || loc.startsWith("deploy/") ? "deploy/" + jar + " (" + name + ")" : name;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.INSTALLED: return "installed, not resolved";
            case Bundle.RESOLVED: return "resolved, not started";
            case Bundle.STARTING: return "starting";
            case Bundle.STOPPING: return "stopping";
            default: return "state " + b.getState();
        }
    }

    /** The requirements of the bundle that nothing installed provides, e.g. {@code package org.nosuch (version>=1.0.0)}. */
    static String unresolved(BundleContext context, Bundle b) {
        BundleRevision rev = b.adapt(BundleRevision.class);
        FrameworkWiring fw = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class);
        List<String> missing = new java.util.ArrayList<>();
        if (rev != null && fw != null) {
            for (org.osgi.resource.Requirement r : rev.getRequirements(null)) {
                if ("optional".equals(r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                    continue;
                }
                if (fw.findProviders(r).isEmpty()) {
                    missing.add(requirement(r));
                }
            }
        }
        return missing.isEmpty() ? "its requirements are provided, but not together (felix:inspect requirement "
                + b.getBundleId() + " lists them)" : "nothing provides " + String.join(", ", missing);
    }

    private static String requirement(org.osgi.resource.Requirement r) {
        String filter = String.valueOf(r.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
        String ns = r.getNamespace();
        String what = switch (ns) {
            case "osgi.wiring.package" -> "package";
            case "osgi.wiring.bundle" -> "bundle";
            case "osgi.wiring.host" -> "host bundle";
            case "osgi.ee" -> "execution environment";
            case "osgi.service" -> "service";
            default -> ns;
        };
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(" + java.util.regex.Pattern.quote(ns) + "=([^)]*)\\)").matcher(filter);
        return m.find() ? what + " " + m.group(1) + " " + filter : what + " " + filter;
    }

    /** A jar in deploy/ FileInstall cannot install as a bundle: not a zip, or no Bundle-SymbolicName. Warns once. */
    private static boolean notABundle(BundleContext context, String jar, List<String> warnings) {
        Path p = Path.of(context.getProperty("felix.fileinstall.dir"), jar);
        String why;
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(p.toFile())) {
            java.util.jar.Manifest mf = f.getManifest();
            if (mf != null && mf.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) != null) {
                return false;
            }
            why = mf == null ? "it has no manifest" : "its manifest has no Bundle-SymbolicName";
        } catch (IOException e) {
            why = "it is not a jar (" + e.getMessage() + ")";
        }
        warn(warnings, "deploy/" + jar + " is not an OSGi bundle, so it is not installed: " + why + "; running without it");
        return true;
    }

    private static List<String> deployed(BundleContext context, String suffix) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null) {
            return List.of();
        }
        try (var files = Files.list(Path.of(dir))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The file names of the configurations FileInstall has written to Configuration Admin. */
    private static java.util.Set<String> configured(BundleContext context) {
        java.util.Set<String> names = new java.util.HashSet<>();
        var ref = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin ca = ref == null ? null : context.getService(ref);
        if (ca == null) {
            return names;
        }
        try {
            Configuration[] all = ca.listConfigurations("(" + FILEINSTALL_FILENAME + "=*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                var props = c.getProperties(); // null when deleted meanwhile
                if (props != null && props.get(FILEINSTALL_FILENAME) != null) {
                    String f = String.valueOf(props.get(FILEINSTALL_FILENAME));
                    names.add(f.substring(f.lastIndexOf('/') + 1));
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("cannot list configurations: {}", e.toString());
        } finally {
            context.ungetService(ref);
        }
        return names;
    }

    /**
     * Waits until the deployed configurations have reached their consumers. Felix CM calls
     * ManagedServices on one update queue and ConfigurationListeners (SCR, which configures the
     * policy components) on one event queue, each in order: a ManagedService registered now is
     * called after every update queued before it, and the event of a configuration written now
     * is delivered after every earlier event. The barrier configuration is deleted afterwards.
     */
    private static void awaitConfigDelivery(BundleContext context, long deadline) {
        String pid = "org.thplab.shell.startup-barrier";
        java.util.concurrent.CountDownLatch updated = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch event = new java.util.concurrent.CountDownLatch(1);
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put(Constants.SERVICE_PID, pid);
        ServiceRegistration<ManagedService> ms = context.registerService(ManagedService.class, d -> updated.countDown(), props);
        ServiceRegistration<ConfigurationListener> cl = context.registerService(ConfigurationListener.class, e -> {
            if (pid.equals(e.getPid()) && e.getType() == ConfigurationEvent.CM_UPDATED) {
                event.countDown();
            }
        }, null);
        var ref = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin ca = ref == null ? null : context.getService(ref);
        try {
            updated.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (ca != null) {
                Configuration c = ca.getConfiguration(pid, "?");
                java.util.Hashtable<String, Object> d = new java.util.Hashtable<>();
                d.put("barrier", Boolean.TRUE);
                c.update(d);
                try {
                    event.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                } finally {
                    c.delete(); // never left behind in a persisted configuration store
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("configuration barrier: {}", e.toString());
        } finally {
            ms.unregister();
            cl.unregister();
            if (ca != null) {
                context.ungetService(ref);
            }
        }
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true, StandardCharsets.UTF_8);
    }

    /**
     * Runs the scripts in order: the transcript goes to {@code out}, a misused command's
     * {@code FILE:LINE: message} and every other error to {@code err}.
     *
     * @return {@link #OK}, {@link #MISUSED}, {@link #UNREADABLE} or {@link #FAILED}
     */
    static int runAll(Commands commands, String scripts, PrintStream out, PrintStream err) {
        for (String file : scripts.split(java.io.File.pathSeparator)) {
            List<String> lines;
            try {
                lines = read(Path.of(file));
            } catch (IOException e) {
                out.flush();
                err.println(file + ": cannot read: " + why(e));
                return UNREADABLE;
            }
            int rc = lines(commands, file, lines, out, err, 0);
            if (rc == QUIT) {
                break; // exit or quit: the scripts after it do not run either
            }
            if (rc != OK) {
                return rc;
            }
        }
        out.flush();
        LOG.debug("scripts done: {}", scripts);
        return OK;
    }

    /** A script's lines, read as UTF-8; a byte order mark at its start is not part of its first line. */
    static List<String> read(Path file) throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        return lines;
    }

    /** Why a file cannot be read, in a few words. */
    static String why(Exception e) {
        if (e instanceof java.nio.file.InvalidPathException p) {
            return "not a file name (" + p.getReason() + ")";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        String m = e.getMessage();
        if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("is a directory")) {
            return "is a directory, not a script";
        }
        return m == null ? "I/O error" : m;
    }

    /**
     * Reports a failure that is not a misuse (out of memory, a stack overflow, a bug) on one line
     * of {@code err}, after {@code where}.
     *
     * @return {@link #FAILED}
     */
    static int failed(Throwable e, String where, PrintStream err) {
        String line = where + Failures.describe(e);
        err.println(line);
        err.flush();
        return FAILED;
    }

    /** How deep {@code include} may nest (a script including itself ends here). */
    static final int MAX_INCLUDE_DEPTH = 8;

    /** Runs one script's lines, its errors in its transcript (out); returns 0, 1 at the first misused command, or 3. */
    static int run(Commands commands, String file, List<String> lines, PrintStream out) {
        return run(commands, file, lines, out, out, 0);
    }

    /** Runs one script's lines; returns 0, 1 at the first misused command (reported on err), or 3. */
    static int run(Commands commands, String file, List<String> lines, PrintStream out, PrintStream err) {
        return run(commands, file, lines, out, err, 0);
    }

    /**
     * {@code include <file>} (script mode only) runs another script's lines in place, its path
     * relative to the including script, each echoed as usual: a shared prologue stays one file.
     */
    private static int include(Commands commands, String file, int lineNo, List<String> words, PrintStream out, PrintStream err, int depth) {
        String arg = words.size() == 2 ? words.get(1) : "";
        if (arg.isEmpty()) {
            err.println(file + ":" + lineNo + ": include: usage: include <file>");
            return MISUSED;
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
            err.println(file + ":" + lineNo + ": include: nested more than " + MAX_INCLUDE_DEPTH + " deep (does a script include itself?)");
            return MISUSED;
        }
        Path dir = Path.of(file).toAbsolutePath().getParent();
        Path target;
        Path shown;
        List<String> included;
        try {
            // InvalidPathException (a NUL in the name) is an IllegalArgumentException that would
            // escape the runner, which checks misuse per command and include is not one.
            target = dir == null ? Path.of(arg) : dir.resolve(arg);
            shown = dir == null ? target : Path.of(file).resolveSibling(arg);
            included = read(target);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            err.println(file + ":" + lineNo + ": include: cannot read " + arg + ": " + why(e));
            return MISUSED;
        }
        return lines(commands, shown.toString(), included, out, err, depth + 1);
    }

    /** What {@link #lines} returns after {@code exit} or {@code quit}: the run ends there, with {@link #OK}. */
    private static final int QUIT = -1;

    private static int run(Commands commands, String file, List<String> lines, PrintStream out, PrintStream err, int depth) {
        int rc = lines(commands, file, lines, out, err, depth);
        return rc == QUIT ? OK : rc;
    }

    /** Whether the command is {@code exit} or {@code quit} alone: the end of the shell, or of a script run. */
    static boolean isQuit(Line.Command c) {
        String name = c.name().startsWith("mm:") ? c.name().substring(3) : c.name();
        return !c.expectError() && c.words().size() == 1 && (name.equals("exit") || name.equals("quit"));
    }

    private static int lines(Commands commands, String file, List<String> lines, PrintStream out, PrintStream err, int depth) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.println("> " + line);
            String where = file + ":" + (i + 1) + ": ";
            List<Line.Command> cmds;
            try {
                cmds = Line.parse(line);
            } catch (IllegalArgumentException e) {
                out.flush();
                err.println(where + e.getMessage());
                return MISUSED;
            }
            for (Line.Command c : cmds) {
                if (isQuit(c)) {
                    out.flush();
                    return QUIT;
                }
                if (c.name().equals("include") && !c.expectError()) {
                    int rc = include(commands, file, i + 1, c.words(), out, err, depth);
                    if (rc != OK) {
                        out.flush();
                        return rc;
                    }
                    continue;
                }
                try {
                    long t0 = System.nanoTime();
                    String result = commands.run(c, file);
                    if (TIMING) {
                        // Wall time goes to stderr: the transcript on stdout stays deterministic.
                        System.err.printf(java.util.Locale.ROOT, "%s:%d: %.3f ms wall%n", file, i + 1, (System.nanoTime() - t0) / 1e6);
                    }
                    if (result != null && !result.isEmpty()) {
                        out.println(result);
                    }
                } catch (IllegalArgumentException e) {
                    out.flush();
                    err.println(where + e.getMessage());
                    err.flush();
                    return MISUSED;
                } catch (Throwable e) {
                    // Not a misuse: the JVM ran out of memory or stack, or thplab has a bug. The run
                    // ends here with its own exit code, FILE:LINE and what happened on one line.
                    out.flush();
                    return failed(e, where, err);
                }
            }
        }
        return OK;
    }
}
