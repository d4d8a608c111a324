package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The wait for start-up, in a framework with a deploy/ folder as FileInstall leaves it: a jar
 * that is installed but cannot resolve, and one that is no bundle, are named at once, with the
 * requirement nothing provides, instead of making every script wait 30 s.
 */
class StartupTest {

    private static byte[] jar(Map<String, String> headers) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new JarOutputStream(bytes, mf)) {
            // a manifest only
        }
        return bytes.toByteArray();
    }

    @Test
    void anUnresolvableOrNonBundleJarInDeployIsNamedAtOnceAndNotWaitedFor(@TempDir Path dir) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Path broken = deploy.resolve("broken.jar");
        Files.write(broken, jar(Map.of(Constants.BUNDLE_MANIFESTVERSION, "2", Constants.BUNDLE_SYMBOLICNAME, "broken.policy",
                Constants.BUNDLE_VERSION, "1.0.0", Constants.IMPORT_PACKAGE, "org.nosuch.pkg;version=\"[1.0,2)\"")));
        Files.write(deploy.resolve("plain.jar"), jar(Map.of()));
        Files.writeString(deploy.resolve("corrupt.jar"), "not a zip");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = factory.newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "felix.fileinstall.dir", deploy.toString()));
        fw.start();
        try {
            // as FileInstall installs a jar of deploy/: by its file's location
            try (InputStream in = Files.newInputStream(broken)) {
                Bundle b = fw.getBundleContext().installBundle(broken.toUri().toString(), in);
                assertEquals(Bundle.INSTALLED, b.getState());
            }
            long t0 = System.nanoTime();
            List<String> warnings = ScriptRunner.awaitStartup(fw.getBundleContext());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 5, "waited " + seconds + " s");
            assertEquals(3, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("deploy/corrupt.jar is not an OSGi bundle, so it is not installed: it is not a jar ("),
                    warnings.get(0));
            assertEquals(List.of(
                    "deploy/plain.jar is not an OSGi bundle, so it is not installed: its manifest has no Bundle-SymbolicName;"
                            + " running without it",
                    "deploy/broken.jar (broken.policy 1.0.0) cannot be resolved, so it does not start; running without it:"
                            + " nothing provides package org.nosuch.pkg (&(osgi.wiring.package=org.nosuch.pkg)(version>=1.0.0)"
                            + "(!(version>=2.0.0)))"), warnings.subList(1, 3));
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
        }
    }
}
