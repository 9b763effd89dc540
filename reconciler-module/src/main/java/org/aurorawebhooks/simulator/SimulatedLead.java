package org.aurorawebhooks.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/** A lead of the simulated tenant, kept compact (a 100,000-lead tenant fits in a small heap). */
record SimulatedLead(String id, String firstName, String lastName, String phone, int street, double latitude,
                     double longitude, double monthlyBill, Instant createdAt, Instant updatedAt) {

    private static final String[] FIRST = {"Jane", "John", "Maria", "Wei", "Aisha", "Carlos", "Priya", "Tom", "Lena", "Omar"};
    private static final String[] LAST = {"Doe", "Smith", "Garcia", "Chen", "Khan", "Silva", "Patel", "Brown", "Novak", "Haddad"};
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static SimulatedLead random(String id, Random random, Instant now) {
        return new SimulatedLead(id, FIRST[random.nextInt(FIRST.length)], LAST[random.nextInt(LAST.length)],
                String.format("(555) %03d-%04d", random.nextInt(1000), random.nextInt(10000)), 1 + random.nextInt(999),
                37.7 + random.nextDouble() / 10, -122.5 + random.nextDouble() / 10, 80 + random.nextInt(300), now, now);
    }

    /** The same lead after a customer edit in Aurora: a new phone number and bill, a new updated_at. */
    SimulatedLead changed(Random random, Instant now) {
        Instant updated = now.isAfter(updatedAt) ? now : updatedAt.plusMillis(1);
        return new SimulatedLead(id, firstName, lastName,
                String.format("(555) %03d-%04d", random.nextInt(1000), random.nextInt(10000)), street, latitude, longitude,
                monthlyBill + 1 + random.nextInt(50), createdAt, updated);
    }

    /** The Retrieve Lead JSON, in the shape of Aurora's tutorial. */
    ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        String address = street + " Brannan St, San Francisco, CA, 94107";
        n.put("id", id);
        n.put("address", address);
        n.putNull("project_id");
        n.put("latitude", latitude);
        n.put("longitude", longitude);
        ObjectNode customer = n.putObject("customer");
        customer.put("customer_address", street + " Brannan St, San Francisco, CA, USA");
        customer.put("customer_email", firstName.toLowerCase(Locale.ROOT) + "." + lastName.toLowerCase(Locale.ROOT) + "@example.com");
        customer.put("customer_first_name", firstName);
        customer.put("customer_last_name", lastName);
        customer.put("customer_phone", phone);
        n.put("monthly_average_bill", monthlyBill);
        n.put("system_size_stc", Math.round(monthlyBill * 40) / 1000.0);
        n.put("annual_production", Math.round(monthlyBill * 55));
        n.put("module_count", (int) (monthlyBill / 12));
        n.put("sunlight_hours", 1800);
        n.put("pct_utility_bill_offset", 95);
        n.put("created_at", ISO.format(createdAt));
        n.put("updated_at", ISO.format(updatedAt));
        return n;
    }
}
