package org.aurorawebhooks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {

    @ParameterizedTest
    @ValueSource(strings = {"token", "session_token", "X-Token", "ACCESS_TOKEN", "client_secret", "password",
        "db_passwd", "apikey", "api_key", "Api-Key", "signature", "x_signature", "key", "pwd", "sig", "auth",
        "credential", "credentials", "header_auth_value"})
    void credentialBearingNamesAreRecognised(String name) {
        assertTrue(Credentials.isCredentialName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lead_id", "status", "keyword", "monkey", "author", "authority", "signal", "source", "tenant",
        "header_auth_key"})
    void ordinaryNamesAreNotCredentials(String name) {
        assertFalse(Credentials.isCredentialName(name), name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://crm.example.com/aurora/webhooks/lead_created|https://crm.example.com/aurora/webhooks/lead_created",
        "https://aurora:s3cret@crm.example.com/hook|https://aurora:****@crm.example.com/hook",
        "https://aurora@crm.example.com/hook|https://aurora@crm.example.com/hook",
        "https://a:s3cret@crm.example.com?x=1|https://a:****@crm.example.com?x=1",
        "https://crm.example.com/hook?lead_id=<LEAD_ID>&token=t0k&Api-Key=k&keyword=solar"
            + "|https://crm.example.com/hook?lead_id=<LEAD_ID>&token=****&Api-Key=****&keyword=solar",
        "https://crm.example.com/hook?session%5Ftoken=t0k&flag&token|https://crm.example.com/hook?session%5Ftoken=****&flag&token",
        "https://crm.example.com/hook?bad%zz=1&sig=s#token=x|https://crm.example.com/hook?bad%zz=1&sig=****#token=x",
        "https://crm.example.com/hook?email=a@b.example&pwd=p|https://crm.example.com/hook?email=a@b.example&pwd=****",
    })
    void urlsAreMaskedWhereTheyCarryACredentialAndKeptOtherwise(String url, String masked) {
        assertEquals(masked, Credentials.maskUrl(url));
    }
}
