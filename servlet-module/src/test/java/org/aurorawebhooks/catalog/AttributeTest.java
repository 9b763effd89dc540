package org.aurorawebhooks.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class AttributeTest {

    @Test
    void sixteenAttributesNamedLikeTheirParameters() {
        assertEquals(16, Attribute.values().length);
        for (Attribute a : Attribute.values()) {
            assertEquals(a.name().toLowerCase(Locale.ROOT), a.parameter());
        }
    }

    @Test
    void byParameterFindsExactNamesOnly() {
        for (Attribute a : Attribute.values()) {
            assertEquals(Optional.of(a), Attribute.byParameter(a.parameter()));
        }
        assertEquals(Optional.empty(), Attribute.byParameter("PROJECT_ID"));
        assertEquals(Optional.empty(), Attribute.byParameter("design_request_id_in_aurora"));
        assertEquals(Optional.empty(), Attribute.byParameter(""));
    }

    @Test
    void kindsSeparateIdsFreeTextAndTheAttributeList() {
        List<Attribute> text = Arrays.stream(Attribute.values()).filter(a -> a.kind() == Attribute.Kind.TEXT).toList();
        assertEquals(List.of(Attribute.ASSET_TYPE, Attribute.STATUS, Attribute.SOURCE), text);
        assertEquals(Attribute.Kind.ATTRIBUTE_LIST, Attribute.ATTRIBUTES.kind());
        for (Attribute a : Attribute.values()) {
            assertEquals(a.parameter().endsWith("_id"), a.kind() == Attribute.Kind.ID, a.parameter());
        }
    }

    @Test
    void everyAttributeIsAColumnOfTheEventsTable() throws IOException {
        for (String vendor : List.of("sqlite", "postgresql")) {
            String sql = resource("/db/aurora/" + vendor + "/V1__aurora_tables.sql");
            String table = sql.substring(sql.indexOf("CREATE TABLE aurora_webhook_events"));
            table = table.substring(0, table.indexOf(");"));
            for (Attribute a : Attribute.values()) {
                assertTrue(table.matches("(?s).*\\n\\s+" + a.parameter() + "\\s.*"),
                        vendor + " aurora_webhook_events lacks column " + a.parameter());
            }
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = AttributeTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
