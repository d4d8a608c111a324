package org.thplab.webtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application as a user starts it with {@code ./thplab --web}: runtime/target/thplab.jar in
 * a JVM of its own, its shell reading commands from a pipe, its stdout collected, the web view's
 * URL read from its stderr.
 */
final class Thplab implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("web: (http://\\S+)");

    final Process process;
    final String url;
    final String base;
    final String token;
    final int port;
    private final Writer in;
    private final List<String> out = new ArrayList<>();

    Thplab(Path workDir) throws IOException, InterruptedException {
        String jar = System.getProperty("thplab.jar", "../runtime/target/thplab.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: build the runtime first (mvn -B verify builds it before this module)");
        }
        port = freePort();
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Dthplab.web=true", "-Dthplab.web.port=" + port,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar", Path.of(jar).toAbsolutePath().toString());
        pb.directory(workDir.toFile());
        pb.redirectError(workDir.resolve("stderr.txt").toFile());
        process = pb.start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.add(line);
                        out.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "thplab-stdout");
        reader.setDaemon(true);
        reader.start();
        String found = null;
        long until = System.currentTimeMillis() + 60_000;
        while (found == null && System.currentTimeMillis() < until && process.isAlive()) {
            Matcher m = URL.matcher(Files.readString(workDir.resolve("stderr.txt")));
            if (m.find()) {
                found = m.group(1);
            } else {
                Thread.sleep(100);
            }
        }
        if (found == null) {
            close();
            throw new IllegalStateException("thplab printed no web URL on stderr within 60 s: "
                    + Files.readString(workDir.resolve("stderr.txt")));
        }
        url = found;
        base = url.substring(0, url.indexOf("/thplab/") + "/thplab/".length());
        token = url.substring(url.indexOf("token=") + "token=".length());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Types a command into the shell. */
    void type(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
    }

    /** @return the shell's output lines so far */
    List<String> output() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    /** Waits until a line of output from line {@code from} on contains {@code text}; returns it. */
    String awaitLine(int from, String text, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        synchronized (out) {
            while (true) {
                for (int i = from; i < out.size(); i++) {
                    if (out.get(i).contains(text)) {
                        return out.get(i);
                    }
                }
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no line with '" + text + "' in " + millis + " ms; the output: " + out);
                }
                out.wait(left);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            in.write("exit\n");
            in.flush();
        } catch (IOException e) {
            // gone already
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
