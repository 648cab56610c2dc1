package com.secondheart.telemetry.testing;

import com.secondheart.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

import java.util.List;

/**
 * Makes every RestAssured request of a test class carry a bearer token, unless the request sets its own
 * Authorization header (and forgets it afterwards).
 */
public final class Api {

    private Api() {
    }

    public static void actAsOperations() {
        actAs(TestTokens.operations());
    }

    public static void actAs(String token) {
        Filter filter = (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", TestTokens.bearer(token));
            }
            return context.next(request, response);
        };
        RestAssured.replaceFiltersWith(List.of(filter));
    }

    public static void anonymous() {
        RestAssured.replaceFiltersWith(List.of());
    }
}
