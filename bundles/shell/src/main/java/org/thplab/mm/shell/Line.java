package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * The one grammar of a command line, in the shell and in a script alike (docs/scripts.md,
 * "Line syntax"):
 * <ul>
 * <li>words are separated by blanks;
 * <li>a word that starts with {@code '} or {@code "} runs to the next such quote: blanks,
 *     {@code ;} and {@code #} are part of it ({@code echo 'a;  b'}); a quote inside a word is an
 *     ordinary character ({@code khugepaged's});
 * <li>{@code #} at the start of a word starts a comment that runs to the end of the line;
 * <li>{@code ;} separates commands ({@code boot 1G; spawn p}), except inside brackets
 *     {@code { } [ ] ( )}, so that a Gogo closure keeps its own;
 * <li>a command whose first word starts with {@code !} is expected to be misused.
 * </ul>
 */
final class Line {
    private Line() {
    }

    /**
     * One command of a line.
     *
     * @param words its words, quotes removed, the {@code !} too
     * @param text the command as written (without its {@code !}, the {@code ;} and a comment), for Gogo
     * @param expectError whether it started with {@code !}
     */
    record Command(List<String> words, String text, boolean expectError) {
        String name() {
            return words.get(0);
        }
    }

    /**
     * The commands of a line, none for a blank line or a comment.
     *
     * @throws IllegalArgumentException for a quote that is not closed
     */
    static List<Command> parse(String line) {
        List<Command> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int start = 0; // where the current command's text starts
        int depth = 0; // brackets open
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (word == null) {
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                if (c == '#') {
                    break;
                }
                if (c == ';' && depth == 0) {
                    add(commands, words, line.substring(start, i));
                    words = new ArrayList<>();
                    start = ++i;
                    continue;
                }
                word = new StringBuilder();
                if (c == '\'' || c == '"') {
                    int close = line.indexOf(c, i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("the quote " + c + " at column " + (i + 1)
                                + " is not closed (a quoted word runs to the next " + c + ")");
                    }
                    word.append(line, i + 1, close);
                    i = close + 1;
                    continue;
                }
            } else if (Character.isWhitespace(c) || (c == ';' && depth == 0)) {
                words.add(word.toString());
                word = null;
                continue; // the blank or ; is handled above
            }
            if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if ((c == '}' || c == ']' || c == ')') && depth > 0) {
                depth--;
            }
            word.append(c);
            i++;
        }
        if (word != null) {
            words.add(word.toString());
        }
        add(commands, words, line.substring(start, Math.min(i, n)));
        return commands;
    }

    private static void add(List<Command> commands, List<String> words, String text) {
        if (words.isEmpty()) {
            return;
        }
        String t = text.strip();
        boolean expectError = words.get(0).startsWith("!");
        if (expectError) {
            t = t.substring(1).strip();
            String first = words.get(0).substring(1);
            if (first.isEmpty()) {
                words.remove(0); // "! spawn p"
                if (words.isEmpty()) {
                    return;
                }
            } else {
                words.set(0, first);
            }
        }
        commands.add(new Command(List.copyOf(words), t, expectError));
    }
}
