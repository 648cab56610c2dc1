package com.secondheart.support.openapi;

import com.secondheart.support.problem.Problem;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Describes the errors every Second Heart service answers (docs/conventions.md, "Error responses") in its OpenAPI
 * document: a {@code Problem} schema (RFC 7807) and, on each operation, the 4xx answers it can give as
 * {@code application/problem+json}: 400 when it takes parameters or a body, 401 and 403 when it needs a token
 * (Quarkus adds the security requirement from {@code @RolesAllowed}, with the roles as its scopes), 404 when its
 * path names a record. Answers an operation declares itself are kept, only given the problem body.
 * Registered with {@code mp.openapi.filter} in each service's application.properties.
 */
public class ProblemResponsesFilter implements OASFilter {

    static final String SCHEMA = "Problem";
    private static final String REF = "#/components/schemas/" + SCHEMA;

    private static final Map<String, String> DEFAULT_DESCRIPTIONS = Map.of(
            "400", "Bad request: a parameter or the body is invalid (detail says which)",
            "401", "No valid bearer token",
            "403", "The token's role or clinics do not reach this record",
            "404", "No such record",
            "409", "Conflict with the record's current state",
            "503", "A service this call depends on cannot be reached; try again shortly");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (item.getOperations() != null) {
                item.getOperations().values().forEach(operation -> describeErrors(path, operation));
            }
        });
    }

    private static void describeErrors(String path, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        var responses = operation.getResponses();
        boolean takesInput = operation.getRequestBody() != null
                || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (takesInput) {
            addIfMissing(responses, "400");
        }
        if (secured) {
            addIfMissing(responses, "401");
            addIfMissing(responses, "403");
        }
        if (path.contains("{")) {
            addIfMissing(responses, "404");
        }
        var byStatus = responses.getAPIResponses() == null ? Map.<String, APIResponse>of() : responses.getAPIResponses();
        for (var entry : new TreeMap<>(byStatus).entrySet()) {
            if (entry.getKey().startsWith("4") || entry.getKey().startsWith("5")) {
                var response = entry.getValue();
                if (response.getDescription() == null || response.getDescription().isBlank()
                        || List.of("Not Authorized", "Not Allowed", "Bad Request").contains(response.getDescription())) {
                    response.setDescription(DEFAULT_DESCRIPTIONS.getOrDefault(entry.getKey(), "Error"));
                }
                response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(REF))));
            }
        }
    }

    private static void addIfMissing(org.eclipse.microprofile.openapi.models.responses.APIResponses responses, String status) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(DEFAULT_DESCRIPTIONS.get(status)));
        }
    }

    private static Schema problemSchema() {
        var string = (java.util.function.Function<String, Schema>) description ->
                OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
        var fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", string.apply("the refused field of the request body"))
                .addProperty("message", string.apply("what is wrong with it"));
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 7807 problem (application/problem+json): never a stack trace or a class name")
                .addProperty("type", string.apply("a URI naming the kind of problem; about:blank for plain HTTP ones"))
                .addProperty("title", string.apply("a short summary"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("the HTTP status"))
                .addProperty("detail", string.apply("a sentence a person understands"))
                .addProperty("instance", string.apply("the request it is about, when known"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError)
                        .description("the field problems of a refused request body"))
                .required(List.of("type", "title", "status", "detail"));
    }
}
