package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@link LeadStore#contentHash}: stored in users' databases ({@code aurora_leads.content_hash}) and compared
 * against every lead fetched later, so its value for a given lead must never change.
 */
class LeadContentHashTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String hash(String json) throws Exception {
        return LeadStore.contentHash(JSON.readTree(json));
    }

    @Test
    void aLeadHashesToTheValueStoredByEarlierReleases() throws Exception {
        assertEquals("b52a48fd2090f29e2482ad9783a2078a", hash("{\"id\":\"L1\",\"status\":\"new\",\"customer\":{\"first_name\":\"Zoë\",\"email\":\"z@example.com\"},"
                + "\"latitude\":37.77,\"module_count\":12,\"tags\":[\"b\",\"a\"],\"project_id\":null}"));
        assertEquals("44136fa355b3678a1146ad16f7e8649e", hash("{}"));
    }

    @Test
    void fieldOrderDoesNotChangeTheHash() throws Exception {
        assertEquals(hash("{\"id\":\"L1\",\"customer\":{\"email\":\"e\",\"first_name\":\"f\"},\"status\":\"new\"}"),
                hash("{\"status\":\"new\",\"customer\":{\"first_name\":\"f\",\"email\":\"e\"},\"id\":\"L1\"}"));
    }
}
