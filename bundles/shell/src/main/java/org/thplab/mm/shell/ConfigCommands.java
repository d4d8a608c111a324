package org.thplab.mm.shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.thplab.mm.api.MachineFactory;

/**
 * {@code config:list|get|set|delete}: Configuration Admin from the shell, so the tunables
 * ({@code org.thplab.mm.tunables}), the policy selection ({@code org.thplab.mm.policy.<kind>})
 * and any policy's own configuration can be read and changed like a {@code .cfg} file in
 * {@code deploy/} would. Felix ships no such commands; these are the few thplab needs.
 */
@Component(service = ConfigCommands.class, property = {"osgi.command.scope=config",
    "osgi.command.function=list", "osgi.command.function=get", "osgi.command.function=set",
    "osgi.command.function=delete"})
public class ConfigCommands {
    private final ConfigurationAdmin ca;
    private final MachineFactory machines;

    @Activate
    public ConfigCommands(@Reference ConfigurationAdmin ca, @Reference MachineFactory machines) {
        this.ca = ca;
        this.machines = machines;
    }

    /** config:list [pid-prefix]: the PIDs that have a configuration. */
    // Each takes String... and checks its words itself, so that a wrong number of them gets
    // thplab's usage message, not Gogo's "Cannot coerce set() to any of [(String, String, String[])]".

    private static String[] words(String name, String usage, String[] words, int min, int max) {
        if (words.length < min || words.length > max) {
            throw new IllegalArgumentException("config:" + name + ": wrong number of arguments; usage: config:" + name + " " + usage);
        }
        return words;
    }

    public String list(String... prefix) throws IOException, InvalidSyntaxException {
        words("list", "[<pid-prefix>]", prefix, 0, 1);
        List<String> pids = new ArrayList<>();
        Configuration[] all = ca.listConfigurations(null);
        for (Configuration c : all == null ? new Configuration[0] : all) {
            if (prefix.length == 0 || c.getPid().startsWith(prefix[0])) {
                pids.add(c.getPid());
            }
        }
        Collections.sort(pids);
        return String.join("\n", pids);
    }

    /** config:get pid: its properties, sorted, as {@code key = value}. */
    public String get(String... words) throws IOException, InvalidSyntaxException {
        String pid = words("get", "<pid>", words, 1, 1)[0];
        Dictionary<String, Object> d = existing(pid).getProperties();
        TreeMap<String, String> sorted = new TreeMap<>();
        for (var keys = d.keys(); keys.hasMoreElements(); ) {
            String k = keys.nextElement();
            Object v = d.get(k);
            sorted.put(k, v instanceof Object[] a ? String.join(",", Arrays.stream(a).map(String::valueOf).toList()) : String.valueOf(v));
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.length() == 0 ? "" : "\n").append(k).append(" = ").append(v));
        return out.toString();
    }

    /** config:set pid key value...: one value is a string, several an array (as a list property). */
    public String set(String... words) throws IOException, InvalidSyntaxException {
        words("set", "<pid> <key> <value>...", words, 3, Integer.MAX_VALUE);
        String pid = words[0];
        String key = words[1];
        String[] values = Arrays.copyOfRange(words, 2, words.length);
        Configuration c = ca.getConfiguration(pid, "?");
        Dictionary<String, Object> d = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        d.put(key, values.length == 1 ? values[0] : values);
        // thplab's configurations are checked whole first: a bad key changes nothing
        Map<String, Object> all = new HashMap<>();
        for (var keys = d.keys(); keys.hasMoreElements(); ) {
            String k = keys.nextElement();
            all.put(k, d.get(k));
        }
        List<String> problems = machines.checkConfiguration(pid, all);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("config:set: " + pid + " not changed: " + String.join("; ", problems));
        }
        c.update(d);
        return pid + ": " + key + " = " + String.join(",", values);
    }

    /** config:delete pid. */
    public String delete(String... words) throws IOException, InvalidSyntaxException {
        String pid = words("delete", "<pid>", words, 1, 1)[0];
        existing(pid).delete();
        return pid + " deleted";
    }

    private Configuration existing(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = ca.listConfigurations("(service.pid=" + pid.replace("\\", "\\\\").replace("(", "\\(")
                .replace(")", "\\)").replace("*", "\\*") + ")");
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            throw new IllegalArgumentException("config: no configuration " + pid + " (config:list shows those that exist)");
        }
        return found[0];
    }
}
