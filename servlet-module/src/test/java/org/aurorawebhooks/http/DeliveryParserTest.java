package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.store.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DeliveryParser} on its own: decoding, every rejection, redaction and fingerprints. */
class DeliveryParserTest {
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    private final DeliveryParser parser = new DeliveryParser();

    private static EventType event(String name) {
        return EventCatalog.aurora().find(name).orElseThrow();
    }

    private Delivery parse(String event, String query) throws Rejection {
        return parser.parse(event(event), query, AT);
    }

    private Rejection rejected(String event, String query) {
        return assertThrows(Rejection.class, () -> parse(event, query));
    }

    private static void assertRejection(Rejection r, int status, String code, String parameter, String message) {
        assertEquals(status, r.status(), r.getMessage());
        assertEquals(code, r.code(), r.getMessage());
        assertEquals(parameter, r.parameter(), r.getMessage());
        assertEquals(message, r.getMessage());
    }

    private String fingerprint(String event, String query) throws Rejection {
        return parse(event, query).fingerprint();
    }

    // --- decoding ---

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Site+visit|Site visit",
        "Site%20visit|Site visit",
        "1%2B1|1+1",
        "caf%C3%A9|café",
        "caf%c3%a9|café",
        "café|café",
        "100%25|100%",
        "a%26b%3Dc|a&b=c",
    })
    void valuesAreFormDecodedStrictlyAsUtf8(String raw, String decoded) throws Rejection {
        Delivery d = parse("project_status_changed", "project_id=p1&status=" + raw);
        assertEquals(decoded, d.value(Attribute.STATUS));
        assertEquals("project_id=p1&status=" + raw, d.queryString(), "stored as received");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "%zz", "ab%g1", "%%41"})
    void aBadEscapeInAValueIsRejectedNamingTheParameter(String raw) {
        assertRejection(rejected("project_status_changed", "project_id=p1&status=" + raw), 400, "invalid_parameter",
                "status", "parameter status has a '%' not followed by two hex digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%E0%A4", "%C3", "%FF", "%C0%AF", "%ED%A0%80"})
    void invalidUtf8InAValueIsRejectedNamingTheParameter(String raw) {
        assertRejection(rejected("project_status_changed", "project_id=p1&status=" + raw), 400, "invalid_parameter",
                "status", "parameter status is not valid UTF-8 once percent-decoded");
    }

    @Test
    void aBadEscapeInANameIsRejectedAsAMalformedQuery() {
        assertRejection(rejected("lead_changed", "lead_id=L1&x%zz=1"), 400, "malformed_query", null,
                "a parameter name has a '%' not followed by two hex digits");
    }

    @Test
    void aParameterWithoutANameIsRejected() {
        assertRejection(rejected("lead_changed", "lead_id=L1&=value"), 400, "malformed_query", null,
                "the query string has a parameter without a name");
    }

    @Test
    void emptySegmentsAreSkippedAndAParameterWithoutEqualsHasAnEmptyValue() throws Rejection {
        Delivery d = parse("lead_changed", "&&lead_id=L1&&flag&");
        assertEquals("L1", d.value(Attribute.LEAD_ID));
        assertEquals("&&lead_id=L1&&flag&", d.queryString(), "no credential: the query is stored exactly as received");
        assertRejection(rejected("lead_changed", "lead_id"), 400, "invalid_parameter", "lead_id",
                "lead_id must be 1 to 64 letters, digits, '-' or '_'; got 0 characters");
    }

    @Test
    void anEmptyOrAbsentQueryIsADeliveryWithNoAttributes() throws Rejection {
        for (String query : new String[] {null, ""}) {
            Delivery d = parse("lead_changed", query);
            assertNull(d.value(Attribute.LEAD_ID));
            assertEquals("", d.queryString());
            assertNull(d.undocumented());
        }
    }

    // --- rejections: repetition, counts, lengths ---

    @Test
    void aParameterRepeatedWithTheSameValueIsOneAndWithAnotherIsAConflict() throws Rejection {
        assertEquals("L1", parse("lead_changed", "lead_id=L1&lead_id=L1").value(Attribute.LEAD_ID));
        // Decoding happens first: L%31 is L1.
        assertEquals("L1", parse("lead_changed", "lead_id=L1&lead_id=L%31").value(Attribute.LEAD_ID));
        assertRejection(rejected("lead_changed", "lead_id=L1&lead_id=L2"), 400, "conflicting_parameter", "lead_id",
                "parameter lead_id is repeated with different values; Aurora sends each attribute once");
    }

    @Test
    void sixtyFourParametersPassAndTheSixtyFifthIsRejected() throws Rejection {
        StringBuilder query = new StringBuilder("lead_id=L1");
        for (int i = 2; i <= DeliveryParser.MAX_PARAMETERS; i++) {
            query.append("&p").append(i).append('=').append(i);
        }
        parse("lead_changed", query.toString());
        assertRejection(rejected("lead_changed", query + "&one=more"), 400, "too_many_parameters", null,
                "the query string has more than 64 parameters");
    }

    @Test
    void aQueryStringAtTheLimitPassesAndOneCharacterMoreIsRejectedWith414() throws Rejection {
        String atLimit = "lead_id=L1&pad=" + "p".repeat(DeliveryParser.MAX_QUERY_LENGTH - 15);
        assertEquals(4096, atLimit.length());
        parse("lead_changed", atLimit);
        assertRejection(rejected("lead_changed", atLimit + "p"), 414, "query_too_long", null,
                "the query string has 4097 characters; at most 4096 are accepted");
    }

    @Test
    void aFormBodyIsReadAfterTheQueryStringAndItsLengthIsNamedWhenTooLong() throws Rejection {
        EventType lead = event("lead_created");
        Delivery d = parser.parse(lead, "source=api", "lead_id=L1", AT);
        assertEquals("L1", d.value(Attribute.LEAD_ID));
        assertEquals("source=api&lead_id=L1", d.queryString());
        assertEquals("lead_id=L1", parser.parse(lead, null, "lead_id=L1", AT).queryString());
        assertEquals("lead_id=L1", parser.parse(lead, "lead_id=L1", "", AT).queryString());

        Rejection body = assertThrows(Rejection.class, () -> parser.parse(lead, null, "p".repeat(4097), AT));
        assertRejection(body, 413, "body_too_large", null, "the form body has 4097 characters; at most 4096 are accepted");
        Rejection both = assertThrows(Rejection.class,
                () -> parser.parse(lead, "q".repeat(2048), "p".repeat(2048), AT));
        assertRejection(both, 413, "parameters_too_long", null, "the query string (2048 characters) and the form body "
                + "(2048 characters) together have 4097 characters of parameters; at most 4096 are accepted");
        Rejection query = assertThrows(Rejection.class, () -> parser.parse(lead, "q".repeat(4097), "lead_id=L1", AT));
        assertEquals("query_too_long", query.code(), "the query string alone is already too long");
    }

    // --- rejections: values ---

    @Test
    void idsAreOneToSixtyFourLettersDigitsDashesOrUnderscores() throws Rejection {
        String uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
        assertEquals(uuid, parse("lead_changed", "lead_id=" + uuid).value(Attribute.LEAD_ID));
        assertEquals("a".repeat(64), parse("lead_changed", "lead_id=" + "a".repeat(64)).value(Attribute.LEAD_ID));
        assertEquals("Lead_7", parse("lead_changed", "lead_id=Lead_7").value(Attribute.LEAD_ID));
        assertRejection(rejected("lead_changed", "lead_id=" + "a".repeat(65)), 400, "invalid_parameter", "lead_id",
                "lead_id must be 1 to 64 letters, digits, '-' or '_'; got 65 characters");
        assertRejection(rejected("lead_changed", "lead_id=abc%3Cscript"), 400, "invalid_parameter", "lead_id",
                "lead_id must be 1 to 64 letters, digits, '-' or '_'; character 4 is '<'");
        assertRejection(rejected("lead_changed", "lead_id=L%201"), 400, "invalid_parameter", "lead_id",
                "lead_id must be 1 to 64 letters, digits, '-' or '_'; character 2 is ' '");
        assertRejection(rejected("lead_changed", "lead_id=caf%C3%A9"), 400, "invalid_parameter", "lead_id",
                "lead_id must be 1 to 64 letters, digits, '-' or '_'; character 4 is U+00E9");
    }

    @Test
    void freeTextRejectsControlCharactersAndOverlongValuesNamingThePosition() throws Rejection {
        String longest = "x".repeat(DeliveryParser.MAX_TEXT_LENGTH);
        assertEquals(longest, parse("project_status_changed", "project_id=p1&status=" + longest).value(Attribute.STATUS));
        assertRejection(rejected("project_status_changed", "project_id=p1&status=" + longest + "x"), 400,
                "invalid_parameter", "status", "status has 1025 characters; at most 1024 are accepted");
        assertRejection(rejected("project_status_changed", "project_id=p1&status=bad%00status"), 400,
                "invalid_parameter", "status", "status contains a control character (U+0000) at position 4");
        assertRejection(rejected("project_status_changed", "project_id=p1&status=tab%09"), 400,
                "invalid_parameter", "status", "status contains a control character (U+0009) at position 4");
        assertRejection(rejected("project_status_changed", "project_id=p1&status=del%7F"), 400,
                "invalid_parameter", "status", "status contains a control character (U+007F) at position 4");
    }

    @Test
    void attributeListsAreCommaSeparatedDistinctLowerCaseNames() throws Rejection {
        Delivery ok = parse("project_changed", "project_id=p1&attributes=status,customer_email");
        assertEquals("status,customer_email", ok.value(Attribute.ATTRIBUTES));
        assertNull(ok.undocumented());
        assertRejection(rejected("project_changed", "project_id=p1&attributes=status,,name"), 400, "invalid_parameter",
                "attributes", "attributes must be a comma-separated list of attribute names; it has an empty item");
        assertRejection(rejected("project_changed", "project_id=p1&attributes="), 400, "invalid_parameter",
                "attributes", "attributes must be a comma-separated list of attribute names; it has an empty item");
        assertRejection(rejected("project_changed", "project_id=p1&attributes=status,Not-A-Name"), 400,
                "invalid_parameter", "attributes", "attributes must be a comma-separated list of attribute names "
                        + "such as status,customer_email; an item is not a lower-case name");
        assertRejection(rejected("project_changed", "project_id=p1&attributes=status,status"), 400,
                "invalid_parameter", "attributes", "attributes lists status twice");
    }

    @Test
    void undocumentedValuesAreKeptAndFlaggedNotRejected() throws Rejection {
        Delivery status = parse("agreement_status_changed", "project_id=p1&agreement_id=a1&status=countersigned");
        assertEquals("countersigned", status.value(Attribute.STATUS));
        assertEquals("status", status.undocumented());
        Delivery both = parse("project_changed", "project_id=p1&source=crm&attributes=status,battery_size");
        assertEquals("source,attributes", both.undocumented());
        assertNull(parse("agreement_status_changed", "project_id=p1&agreement_id=a1&status=signed").undocumented());
        assertNull(parse("project_status_changed", "project_id=p1&status=Anything+at+all").undocumented(),
                "a project status can be any string");
    }

    @Test
    void parametersOutsideTheEventsAttributesAreNotValidatedButKept() throws Rejection {
        // lead_id is not an attribute of project_created: not checked, not a column, still in query_string.
        Delivery d = parse("project_created", "project_id=p1&lead_id=not%20an%20id&tenant=acme");
        assertNull(d.value(Attribute.LEAD_ID));
        assertEquals("p1", d.value(Attribute.PROJECT_ID));
        assertEquals("project_id=p1&lead_id=not%20an%20id&tenant=acme", d.queryString());
        assertEquals("project_created", d.eventType());
        assertFalse(d.isLeadEvent());
        assertTrue(parse("lead_changed", "lead_id=L1").isLeadEvent());
        assertEquals(AT, d.receivedAt());
    }

    // --- redaction ---

    @Test
    void credentialValuesAreRedactedInTheStoredQueryAndEverythingElseIsKeptAsReceived() throws Rejection {
        Delivery d = parse("lead_changed", "lead_id=L1&session_token=abc123&note=a%20b&API_KEY=k9&&sig");
        assertEquals("lead_id=L1&session_token=REDACTED&note=a%20b&API_KEY=REDACTED&sig=REDACTED", d.queryString());
        // An encoded name is recognised once decoded, and keeps its raw spelling.
        assertEquals("lead_id=L1&session%5Ftoken=REDACTED",
                parse("lead_changed", "lead_id=L1&session%5Ftoken=abc123").queryString());
    }

    @Test
    void aRedactedQueryNeverHoldsTheSecretEvenWhenItIsAlsoAnotherValue() throws Rejection {
        Delivery d = parse("lead_changed", "token=s3cr3t&lead_id=L1&token=s3cr3t");
        assertEquals("token=REDACTED&lead_id=L1&token=REDACTED", d.queryString());
        assertFalse(d.toString().contains("s3cr3t"), d.toString());
    }

    // --- fingerprints ---

    @Test
    void fingerprintsAreEqualForTheSameParametersInAnyOrder() throws Rejection {
        String a = fingerprint("lead_converted", "lead_id=L1&project_id=P1");
        assertEquals(a, fingerprint("lead_converted", "project_id=P1&lead_id=L1"));
        assertEquals(a, fingerprint("lead_converted", "project_id=P1&lead_id=L%31"), "compared decoded");
        assertEquals(a, fingerprint("lead_converted", "lead_id=L1&project_id=P1&lead_id=L1"), "an identical repeat");
        assertEquals(32, a.length());
        assertTrue(a.matches("[0-9a-f]{32}"), a);
    }

    @Test
    void fingerprintsDifferForAnotherValueParameterOrEvent() throws Rejection {
        String a = fingerprint("lead_converted", "lead_id=L1&project_id=P1");
        assertNotEquals(a, fingerprint("lead_converted", "lead_id=L1&project_id=P2"));
        assertNotEquals(a, fingerprint("lead_converted", "lead_id=L1"));
        assertNotEquals(a, fingerprint("lead_converted", "lead_id=L1&project_id=P1&extra="));
        assertNotEquals(a, fingerprint("lead_changed", "lead_id=L1&project_id=P1"));
        assertNotEquals(fingerprint("lead_changed", "lead_id=L1&a=b%3Dc"), fingerprint("lead_changed", "lead_id=L1&a%3Db=c"),
                "a name and a value are not confused where one holds '='");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Stored in users' databases (events.fingerprint) and compared against new deliveries: pinned.
        "lead_changed|lead_id=L1|1d496a39d05def3fa09c0183a7f885e3",
        "lead_converted|project_id=P1&lead_id=L1|cba069b3c4273fb1fb37078ab2b93b3b",
        "lead_changed|lead_id=L1&token=s3cr3t|80d4eedc0ee0acdc28fc0686f66bbc12",
        "project_status_changed|project_id=p1&status=caf%C3%A9|8618b0d0951d40db1e77dfd576034c3b",
    })
    void fingerprintsKeepTheValuesStoredByEarlierReleases(String event, String query, String expected)
            throws Rejection {
        assertEquals(expected, fingerprint(event, query));
    }

    @Test
    void aCredentialsValueDoesNotChangeTheFingerprint() throws Rejection {
        // A retry carrying a rotated token is still the same delivery.
        assertEquals(fingerprint("lead_changed", "lead_id=L1&token=old"), fingerprint("lead_changed", "lead_id=L1&token=new"));
        assertNotEquals(fingerprint("lead_changed", "lead_id=L1&token=old"), fingerprint("lead_changed", "lead_id=L1"));
    }
}
