package com.secondheart.agent.panel;

import com.secondheart.agent.fleet.FleetLifecycle;
import com.secondheart.agent.unit.Unit;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;

/**
 * The unit's local panel: {@code POST /units/{unitId}/emergency-stop} is the emergency-stop button (on a real unit
 * a hardware input wired to the same call; on the simulator this endpoint, so a test, a bench or a person at the
 * machine can press it). It needs no network beyond the unit itself, so it answers callers on the loopback
 * interface only: anyone else gets a 403, as the panel is not a remote control (the platform's remote stop is the
 * gateway's {@code emergency-stop} command).
 */
@ApplicationScoped
public class PanelRoutes {

    private static final String PROBLEM_JSON = "application/problem+json";

    private final FleetLifecycle fleet;

    public PanelRoutes(FleetLifecycle fleet) {
        this.fleet = fleet;
    }

    void register(@Observes Router router) {
        router.post("/units/:unitId/emergency-stop").handler(this::emergencyStop);
    }

    void emergencyStop(RoutingContext context) {
        var remote = context.request().remoteAddress();
        if (remote == null || !isLoopback(remote.hostAddress())) {
            problem(context, 403, "Forbidden", "The emergency-stop button answers only on the unit itself (loopback); "
                    + "stop a unit remotely with the gateway's emergency-stop command.");
            return;
        }
        var unitId = context.pathParam("unitId");
        var unit = find(unitId);
        if (unit.isEmpty()) {
            problem(context, 404, "Not Found", "This agent runs no unit '" + unitId + "'.");
            return;
        }
        boolean wasRunning = unit.get().pressEmergencyStop();
        context.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("unitId", unitId).put("latched", "EMERGENCY_STOP")
                        .put("sessionAborted", wasRunning).encode());
    }

    private Optional<Unit> find(String unitId) {
        var running = fleet.fleet();
        if (running == null) {
            return Optional.empty();
        }
        return running.units().stream().filter(unit -> unit.unitId().equals(unitId)).findFirst();
    }

    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }

    private static void problem(RoutingContext context, int status, String title, String detail) {
        context.response().setStatusCode(status).putHeader("Content-Type", PROBLEM_JSON)
                .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).encode());
    }
}
