package com.secondheart.dashboard.signin;

import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.signin.rest.JwksEndpoint;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class JwksEndpointTest {

    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    @Test
    void anyoneReadsThePeopleAndServicePublicKeysByKidWithoutAToken() {
        var jwks = given().when().get("/.well-known/jwks.json")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();

        assertThat(jwks.getList("keys.kid"), containsInAnyOrder(TestTokens.PEOPLE_KID, TestTokens.SERVICE_KID));
        var people = (RSAPublicKey) TestTokens.peoplePublicKey();
        assertThat(new BigInteger(1, Base64.getUrlDecoder().decode(peopleKey(jwks).get("n"))), is(people.getModulus()));
        assertThat(new BigInteger(1, Base64.getUrlDecoder().decode(peopleKey(jwks).get("e"))), is(people.getPublicExponent()));
        assertThat(peopleKey(jwks).get("kty"), is("RSA"));
    }

    @Test
    void noKeyServedHasAPrivateMember() {
        var body = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        var keys = new JsonPath(body).<Map<String, Object>>getList("keys");

        for (var key : keys) {
            for (var member : PRIVATE_MEMBERS) {
                assertThat(member + " of " + key.get("kid"), key.keySet(), not(hasItem(member)));
            }
        }
    }

    @Test
    void aSignInTokenVerifiesWithThePeopleKeyThePageServes() throws Exception {
        var token = given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.OPS, "password", TestUsers.password(TestUsers.OPS)))
                .when().post("/api/session").then().statusCode(200).extract().<String>path("token");
        var jwks = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().jsonPath();
        var key = peopleKey(jwks);
        var publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n"))),
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e")))));

        var parts = token.split("\\.");
        var verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])), "the dashboard signs people in with the people key");
    }

    @Test
    void privateMembersInTheConfiguredFileAreDroppedBeforeAnythingIsServed() {
        var withPrivateParts = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"people\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"c2VjcmV0\","
                + "\"p\":\"cA\",\"q\":\"cQ\",\"dp\":\"ZA\",\"dq\":\"ZQ\",\"qi\":\"aQ\"},{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0\"}]}";

        var served = JwksEndpoint.publicOnly(withPrivateParts).toString();

        assertThat("public members only, and no symmetric key at all", served,
                is("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"people\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"));
    }

    private static Map<String, String> peopleKey(JsonPath jwks) {
        return jwks.getMap("keys.find { it.kid == '" + TestTokens.PEOPLE_KID + "' }");
    }
}
