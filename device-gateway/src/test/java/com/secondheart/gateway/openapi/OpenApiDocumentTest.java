package com.secondheart.gateway.openapi;

import com.secondheart.testsupport.ApiDocContract;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** The OpenAPI document and Swagger UI need no token, and the document agrees with docs/api.md (test-support's ApiDocContract). */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {

    @Test
    void docsApiMdAndTheOpenApiDocumentNameTheSameCallsWithTheSameRolesAndProblemAnswers() {
        var document = given().when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("$");

        ApiDocContract.assertAgrees("device-gateway", document);
    }

    @Test
    void swaggerUiIsServedWithoutAToken() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
