package org.thplab.mm.api;

import java.util.List;

/**
 * What {@code mm:policy} shows for one kind.
 *
 * @param kind       the kind, e.g. {@code fault}
 * @param active     names of the active policy (one) or enabled promoters (several); empty when
 *                   the built-in fallback serves the kind
 * @param candidates every registered policy of the kind, as {@code name (bundle version)}
 * @param fallback   what the built-in fallback does, shown when it serves the kind
 */
public record PolicyInfo(String kind, List<String> active, List<String> candidates, String fallback) {
}
