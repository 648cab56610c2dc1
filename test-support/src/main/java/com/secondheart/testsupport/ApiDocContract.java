package com.secondheart.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * docs/api.md against a service's OpenAPI document: the same calls (method and path) and, for each, the same roles.
 * Each service's test reads its document from {@code /q/openapi?format=json} and calls {@link #assertAgrees}
 * (test-support's own ApiDocContractTest shows it failing).
 * <p>
 * In docs/api.md a service is the section {@code ## <service> (port)}; its calls are the backticked
 * {@code METHOD /path?query} in the table's {@code call} column, its roles the {@code who} (or {@code roles}) column:
 * {@code ops}/{@code operations}, {@code staff}/{@code clinic-staff}, {@code admin}/{@code fleet-admin},
 * {@code svc}/{@code service}, {@code all four}, or {@code open} (no token). In the OpenAPI document the roles are the
 * scopes of the operation's security requirement (Quarkus takes them from {@code @RolesAllowed}); no requirement is
 * open.
 */
public final class ApiDocContract {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Pattern CALL = Pattern.compile("`(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) (/[^`?\\[\\s]*)[^`]*`");
    private static final Pattern ROLE = Pattern.compile(
            "(?<![\\w-])(all four|operations|ops|clinic-staff|staff|fleet-admin|admin|service|svc|open)(?![\\w-])");
    private static final List<String> ALL_FOUR = List.of("operations", "clinic-staff", "fleet-admin", "service");

    private ApiDocContract() {
    }

    /**
     * Fails with every difference between docs/api.md's section for the service and its OpenAPI document (the
     * parsed JSON of {@code /q/openapi?format=json}), and when the document does not describe the bearer scheme or
     * an operation that needs a token lacks its 401 and 403 problem+json answers.
     */
    public static void assertAgrees(String service, Map<?, ?> document) {
        var paths = document.get("paths") instanceof Map<?, ?> map ? asStringMap(map) : Map.<String, Object>of();
        var differences = differences(documented(read(apiDoc()), service), operations(paths));
        differences.addAll(undescribedErrors(document, paths));
        if (!differences.isEmpty()) {
            throw new AssertionError("docs/api.md and " + service + "'s OpenAPI document (/q/openapi) disagree:\n  - "
                    + String.join("\n  - ", differences));
        }
    }

    /** The bearer scheme is declared, and every operation that needs a token answers 401 and 403 as problem+json. */
    public static List<String> undescribedErrors(Map<?, ?> document, Map<String, ?> paths) {
        var out = new ArrayList<String>();
        var components = document.get("components") instanceof Map<?, ?> c ? c : Map.of();
        var schemes = components.get("securitySchemes") instanceof Map<?, ?> s ? s : Map.of();
        boolean bearer = schemes.values().stream().anyMatch(scheme -> scheme instanceof Map<?, ?> m
                && "http".equals(m.get("type")) && "bearer".equalsIgnoreCase(String.valueOf(m.get("scheme"))));
        var operations = operations(paths);
        if (operations.values().stream().anyMatch(roles -> !roles.isEmpty()) && !bearer) {
            out.add("the document declares no HTTP bearer security scheme (components.securitySchemes)");
        }
        for (var path : paths.entrySet()) {
            if (!(path.getValue() instanceof Map<?, ?> item)) {
                continue;
            }
            for (var entry : item.entrySet()) {
                if (!METHODS.contains(String.valueOf(entry.getKey())) || !(entry.getValue() instanceof Map<?, ?> operation)
                        || !(operation.get("security") instanceof Collection<?> security) || security.isEmpty()) {
                    continue;
                }
                var responses = operation.get("responses") instanceof Map<?, ?> r ? r : Map.of();
                for (var status : List.of("401", "403")) {
                    var content = responses.get(status) instanceof Map<?, ?> response && response.get("content") instanceof Map<?, ?> m
                            ? m : Map.of();
                    if (!content.containsKey("application/problem+json")) {
                        out.add(String.valueOf(entry.getKey()).toUpperCase() + " " + path.getKey() + " needs a token but its "
                                + status + " answer is not described as application/problem+json");
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Object> asStringMap(Map<?, ?> map) {
        var out = new TreeMap<String, Object>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** "METHOD /path" -> roles, as the section {@code ## service} of the markdown documents them. */
    public static Map<String, Set<String>> documented(String markdown, String service) {
        var calls = new TreeMap<String, Set<String>>();
        boolean inSection = false;
        int callColumn = -1;
        int roleColumn = -1;
        for (var line : markdown.split("\\R")) {
            if (line.startsWith("## ")) {
                inSection = line.substring(3).strip().split("\\s+")[0].equals(service);
                callColumn = -1;
                roleColumn = -1;
                continue;
            }
            if (!inSection || !line.startsWith("|")) {
                continue;
            }
            var cells = cells(line);
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue;
            }
            if (callColumn < 0) {
                callColumn = cells.indexOf("call");
                roleColumn = cells.contains("who") ? cells.indexOf("who") : cells.indexOf("roles");
                if (callColumn < 0 || roleColumn < 0) {
                    throw new AssertionError("docs/api.md, section " + service + ": a table needs a call and a who (or roles) column: " + line);
                }
                continue;
            }
            var roles = roles(cells.get(roleColumn));
            var matcher = CALL.matcher(cells.get(callColumn));
            boolean any = false;
            while (matcher.find()) {
                any = true;
                calls.put(matcher.group(1) + " " + matcher.group(2), roles);
            }
            if (!any) {
                throw new AssertionError("docs/api.md, section " + service + ": a row names no `METHOD /path`: " + line);
            }
        }
        return calls;
    }

    /** "METHOD /path" -> roles from the {@code paths} object of an OpenAPI document. */
    public static Map<String, Set<String>> operations(Map<String, ?> paths) {
        var operations = new TreeMap<String, Set<String>>();
        for (var path : paths.entrySet()) {
            if (!(path.getValue() instanceof Map<?, ?> item)) {
                continue;
            }
            for (var entry : item.entrySet()) {
                var method = String.valueOf(entry.getKey());
                if (!METHODS.contains(method) || !(entry.getValue() instanceof Map<?, ?> operation)) {
                    continue;
                }
                var roles = new TreeSet<String>();
                if (operation.get("security") instanceof Collection<?> requirements) {
                    for (var requirement : requirements) {
                        if (requirement instanceof Map<?, ?> schemes) {
                            for (var scopes : schemes.values()) {
                                if (scopes instanceof Collection<?> list) {
                                    list.forEach(scope -> roles.add(String.valueOf(scope)));
                                }
                            }
                            if (!schemes.isEmpty() && roles.isEmpty()) {
                                roles.add("(any signed-in caller)");
                            }
                        }
                    }
                }
                operations.put(method.toUpperCase() + " " + path.getKey(), roles);
            }
        }
        return operations;
    }

    public static List<String> differences(Map<String, Set<String>> documented, Map<String, Set<String>> described) {
        var out = new ArrayList<String>();
        for (var call : new TreeSet<>(documented.keySet())) {
            if (!described.containsKey(call)) {
                out.add(call + " is in docs/api.md but not in the OpenAPI document");
            } else if (!documented.get(call).equals(described.get(call))) {
                out.add(call + ": docs/api.md says " + show(documented.get(call)) + ", the code (@RolesAllowed) "
                        + show(described.get(call)));
            }
        }
        for (var call : new TreeSet<>(described.keySet())) {
            if (!documented.containsKey(call)) {
                out.add(call + " is in the OpenAPI document but not in docs/api.md");
            }
        }
        return out;
    }

    private static String show(Set<String> roles) {
        return roles.isEmpty() ? "open (no token)" : String.join(", ", new TreeSet<>(roles));
    }

    private static Set<String> roles(String cell) {
        var roles = new TreeSet<String>();
        // backticked text names values (`stop-session`), not roles
        var matcher = ROLE.matcher(cell.replaceAll("`[^`]*`", ""));
        while (matcher.find()) {
            switch (matcher.group(1)) {
                case "all four" -> roles.addAll(ALL_FOUR);
                case "ops", "operations" -> roles.add("operations");
                case "staff", "clinic-staff" -> roles.add("clinic-staff");
                case "admin", "fleet-admin" -> roles.add("fleet-admin");
                case "svc", "service" -> roles.add("service");
                default -> { } // open: no role
            }
        }
        return roles;
    }

    private static List<String> cells(String row) {
        var trimmed = row.strip();
        var inner = trimmed.substring(1, trimmed.endsWith("|") ? trimmed.length() - 1 : trimmed.length());
        var out = new ArrayList<String>();
        // "\|" inside a cell is an escaped pipe, not a column break
        for (var cell : inner.split("(?<!\\\\)\\|", -1)) {
            out.add(cell.strip());
        }
        return out;
    }

    private static Path apiDoc() {
        for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            var candidate = dir.resolve("docs/api.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/api.md not found above " + Path.of("").toAbsolutePath());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
