package com.secondheart.testsupport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiDocContractTest {

    private static final String DOC = """
            ## unit-service (8090)
            | call | body | answer | who |
            |---|---|---|---|
            | `POST /units` | `{"unitId"}` | 201 | admin |
            | `GET /units?clinicId=&page=0` | | units | ops, staff, admin, svc |
            | `GET /units/{unitId}`, `DELETE /units/{unitId}` | | one unit | all four |
            | `POST /units/{unitId}/commands` | `{"type":"stop-session\\|start-session"}` | 202 | admin, svc; staff: `stop-session` on their units |
            | `GET /page-config` | | settings | open |

            ## other-service (8091)
            | call | roles | answer |
            |---|---|---|
            | `GET /other` | operations | |
            """;

    @Test
    void theServicesSectionGivesEachCallItsNormalisedRoles() {
        var calls = ApiDocContract.documented(DOC, "unit-service");

        assertEquals(Set.of("fleet-admin"), calls.get("POST /units"));
        assertEquals(Set.of("operations", "clinic-staff", "fleet-admin", "service"), calls.get("GET /units"));
        assertEquals(Set.of("operations", "clinic-staff", "fleet-admin", "service"), calls.get("DELETE /units/{unitId}"));
        assertEquals(Set.of("fleet-admin", "service", "clinic-staff"), calls.get("POST /units/{unitId}/commands"));
        assertEquals(Set.of(), calls.get("GET /page-config"));
        assertEquals(6, calls.size(), calls::toString);
        assertEquals(Set.of("GET /other"), ApiDocContract.documented(DOC, "other-service").keySet());
    }

    @Test
    void anOpenApiOperationsRolesAreItsSecurityScopesAndNoRequirementIsOpen() {
        Map<String, Object> paths = Map.of(
                "/units", Map.of(
                        "get", Map.of("security", List.of(Map.of("bearer", List.of("operations", "service")))),
                        "post", Map.of("security", List.of(Map.of("bearer", List.of("fleet-admin"))))),
                "/page-config", Map.of("get", Map.of(), "parameters", List.of()));

        var operations = ApiDocContract.operations(paths);

        assertEquals(Map.of("GET /units", Set.of("operations", "service"), "POST /units", Set.of("fleet-admin"),
                "GET /page-config", Set.of()), operations);
    }

    @Test
    void aMissingCallAnExtraCallAndDifferentRolesAreEachReported() {
        var documented = Map.of("GET /units", Set.of("operations"), "POST /units", Set.of("fleet-admin"));
        var described = Map.of("GET /units", Set.of("operations", "service"), "GET /commands/{commandId}", Set.of("service"));

        var differences = ApiDocContract.differences(documented, described);

        assertEquals(3, differences.size(), differences::toString);
        assertTrue(differences.contains("POST /units is in docs/api.md but not in the OpenAPI document"), differences::toString);
        assertTrue(differences.contains("GET /commands/{commandId} is in the OpenAPI document but not in docs/api.md"), differences::toString);
        assertTrue(differences.contains("GET /units: docs/api.md says operations, the code (@RolesAllowed) operations, service"),
                differences::toString);
    }

    @Test
    void agreeingDocumentsHaveNoDifferences() {
        var same = Map.of("GET /units", Set.of("operations"), "GET /page-config", Set.<String>of());

        assertTrue(ApiDocContract.differences(same, same).isEmpty());
    }

    @Test
    void aSecuredOperationWithoutProblemAnswersOrABearerSchemeIsReported() {
        Map<String, Object> paths = Map.of("/units", Map.of("get", Map.of(
                "security", List.of(Map.of("bearer", List.of("operations"))),
                "responses", Map.of("401", Map.of("content", Map.of("application/problem+json", Map.of())),
                        "403", Map.of("description", "Not Allowed")))));

        var problems = ApiDocContract.undescribedErrors(Map.of("paths", paths), paths);

        assertEquals(List.of("the document declares no HTTP bearer security scheme (components.securitySchemes)",
                "GET /units needs a token but its 403 answer is not described as application/problem+json"), problems);
    }
}
