package org.thplab.mm.shell;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;

/**
 * The commands as {@link Commands} declares them, read once by reflection. Every public method
 * with a {@link Descriptor} is a command: its name is the method's, its help the descriptor, its
 * usage the name followed by the descriptors of its parameters, which say how many words it takes:
 * <ul>
 * <li>each {@code String} parameter is one word;
 * <li>one whose descriptor is in brackets, {@code [<region>]}, may be left out (all after it too):
 *     the method then gets null for it;
 * <li>a last {@code String...} parameter takes the remaining words, and the method checks them.
 * </ul>
 */
final class CommandTable {

    /** One command: {@code required} words at least, at most one per parameter unless {@code varargs}. */
    record Command(String name, String usage, String help, List<String> examples, Method method, int required, boolean varargs) {
    }

    /** By name: the order {@code help} lists them in, as Gogo's own {@code help} does. */
    private static final Map<String, Command> COMMANDS = read(Commands.class);

    private CommandTable() {
    }

    static Collection<Command> all() {
        return Collections.unmodifiableCollection(COMMANDS.values());
    }

    /** The Gogo functions: one per command. */
    static String[] names() {
        return COMMANDS.keySet().toArray(new String[0]);
    }

    static String usage(String name) {
        return COMMANDS.get(name).usage();
    }

    /** The command of that name ({@code mm:} prefix optional), or null. */
    static Command get(String name) {
        return COMMANDS.get(name.startsWith("mm:") ? name.substring(3) : name);
    }

    /** The misuse of a command given too few or too many words. */
    static IllegalArgumentException wrongNumberOfArguments(String name) {
        return new IllegalArgumentException(name + ": wrong number of arguments; usage: " + usage(name));
    }

    /** Runs a command on its words, as a script line or, when the words fit no method, from Gogo. */
    static String run(Commands target, String name, String[] words) {
        Command c = COMMANDS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown command '" + name + "' (try: help mm)");
        }
        int n = c.method().getParameterCount();
        int fixed = c.varargs() ? n - 1 : n;
        if (words.length < c.required() || (!c.varargs() && words.length > n)) {
            throw wrongNumberOfArguments(name);
        }
        Object[] args = new Object[n];
        System.arraycopy(words, 0, args, 0, Math.min(words.length, fixed));
        if (c.varargs()) {
            args[fixed] = Arrays.copyOfRange(words, fixed, words.length);
        }
        try {
            return (String) c.method().invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The commands of a class; a method that breaks the rules above fails here, at class load. */
    static Map<String, Command> read(Class<?> type) {
        Map<String, Command> commands = new TreeMap<>();
        for (Method m : type.getMethods()) {
            Descriptor help = m.getAnnotation(Descriptor.class);
            if (help == null) {
                continue;
            }
            String name = m.getName();
            if (Modifier.isStatic(m.getModifiers()) || m.getReturnType() != String.class) {
                throw new IllegalStateException(name + ": a command is an instance method returning String");
            }
            StringJoiner usage = new StringJoiner(" ").add(name);
            int required = 0;
            boolean optional = false;
            Parameter[] params = m.getParameters();
            for (int i = 0; i < params.length; i++) {
                Descriptor d = params[i].getAnnotation(Descriptor.class);
                boolean rest = m.isVarArgs() && i == params.length - 1;
                if (d == null || params[i].getType() != (rest ? String[].class : String.class)) {
                    throw new IllegalStateException(name + ": parameter " + (i + 1) + " is not a String with a @Descriptor");
                }
                usage.add(d.value());
                if (rest) {
                    break;
                }
                if (d.value().startsWith("[")) {
                    optional = true;
                } else if (optional) {
                    throw new IllegalStateException(name + ": a required parameter after an optional one");
                } else {
                    required++;
                }
            }
            if (m.isVarArgs() && optional) {
                throw new IllegalStateException(name + ": optional parameters before a String... one");
            }
            Example ex = m.getAnnotation(Example.class);
            List<String> examples = ex == null ? List.of() : List.of(ex.value());
            if (commands.put(name, new Command(name, usage.toString(), help.value(), examples, m, required, m.isVarArgs())) != null) {
                throw new IllegalStateException(name + ": two methods of that name");
            }
        }
        return commands;
    }
}
