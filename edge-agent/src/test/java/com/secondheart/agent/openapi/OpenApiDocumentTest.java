package com.secondheart.agent.openapi;

import com.secondheart.agent.testing.MqttBrokerResource;
import com.secondheart.testsupport.ApiDocContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** The agent's OpenAPI document and Swagger UI need no token, and docs/api.md lists no calls for it, as the document. */
@QuarkusTest
@QuarkusTestResource(MqttBrokerResource.class)
class OpenApiDocumentTest {

    @Test
    void docsApiMdAndTheOpenApiDocumentAgreeThatTheAgentHasNoOperations() {
        var document = given().when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("$");

        ApiDocContract.assertAgrees("edge-agent", document);
    }

    @Test
    void swaggerUiIsServedWithoutAToken() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
