package org.thplab.mm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Host check against DNS rebinding: loopback names pass, a DNS name never does, whatever it begins with. */
class HostCheckTest {
    @Test
    void loopbackNamesInTheirSpellings() {
        for (String h : new String[] {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1.2.3", "[::1]", "::1",
            "[0:0:0:0:0:0:0:1]"}) {
            assertTrue(ApiServlet.loopbackName(h), h);
        }
    }

    @Test
    void namesThatOnlyLookLikeLoopbackAreRefused() {
        for (String h : new String[] {"127.0.0.1.attacker.example", "127.evil.com", "localhost.attacker.example",
            "attacker.example", "128.0.0.1", "10.0.0.1", "[::2]", "[fe80::1]", "", "127.0.0.1:80", "0.0.0.0", "127.0.0.256"}) {
            assertFalse(ApiServlet.loopbackName(h), h);
        }
        assertFalse(ApiServlet.loopbackName(null));
    }

    @Test
    void theServersOwnAddressAsJettyGivesIt() {
        assertTrue(ApiServlet.loopback("127.0.0.1"));
        assertTrue(ApiServlet.loopback("[0:0:0:0:0:0:0:1]"), "IPv6 in brackets");
        assertTrue(ApiServlet.loopback("0:0:0:0:0:0:0:1"));
        assertFalse(ApiServlet.loopback("192.0.2.2"));
        assertFalse(ApiServlet.loopback("[fd00:0:0:0:0:0:0:2]"));
        assertFalse(ApiServlet.loopback("0.0.0.0"));
    }
}
