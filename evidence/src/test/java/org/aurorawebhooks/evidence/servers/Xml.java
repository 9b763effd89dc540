package org.aurorawebhooks.evidence.servers;

/** Escaping for the descriptors the tests write. */
final class Xml {
    private Xml() {
    }

    /** Escapes text for an element's content or a double-quoted attribute. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
