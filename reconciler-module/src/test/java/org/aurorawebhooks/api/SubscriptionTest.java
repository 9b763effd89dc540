package org.aurorawebhooks.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    @Test
    void toStringMasksABasicAuthPasswordATokenAndTheHeaderValue() {
        Subscription s = new Subscription("W1", "lead_created",
                "https://aurora:" + TestSecrets.fresh("webhook-password") + "@crm.example.com/aurora/webhooks/lead_created"
                        + "?lead_id=<LEAD_ID>&token=" + TestSecrets.fresh("query-token"),
                "test", true, "X-Aurora-Token", TestSecrets.fresh("webhook-token"));
        assertEquals("Subscription[id=W1, event=lead_created, url_template=https://aurora:****@crm.example.com"
                + "/aurora/webhooks/lead_created?lead_id=<LEAD_ID>&token=****, enabled=true, "
                + "header_auth_key=X-Aurora-Token, header_auth_value=****]", s.toString());
    }

    @Test
    void toStringShowsAUrlWithoutCredentialsAsItIs() {
        Subscription s = new Subscription(null, "lead_changed",
                "https://crm.example.com/aurora/webhooks/lead_changed?lead_id=<LEAD_ID>", null, false, null, null);
        assertEquals("Subscription[id=null, event=lead_changed, url_template=https://crm.example.com"
                + "/aurora/webhooks/lead_changed?lead_id=<LEAD_ID>, enabled=false, header_auth_key=null]", s.toString());
    }
}
