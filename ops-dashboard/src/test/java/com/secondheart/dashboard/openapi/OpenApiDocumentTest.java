package com.secondheart.dashboard.openapi;

import com.secondheart.testsupport.ApiDocContract;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** The OpenAPI document and Swagger UI need no token, and the document agrees with docs/api.md (test-support's ApiDocContract). */
@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class OpenApiDocumentTest {

    @Test
    void docsApiMdAndTheOpenApiDocumentNameTheSameCallsWithTheSameRolesAndProblemAnswers() {
        var document = given().when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("$");

        ApiDocContract.assertAgrees("ops-dashboard", document);
    }

    @Test
    void swaggerUiIsServedWithoutAToken() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
