package org.aurorawebhooks.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One page of List Leads: the leads as Aurora listed them (each with at least {@code id}). */
public record LeadPage(int page, int perPage, List<ObjectNode> leads) {

    /** A page shorter than asked for is the last one. */
    boolean isLast() {
        return leads.size() < perPage;
    }
}
