package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** telemetry-service's aggregates (GET /aggregates): sessions, utilization and outcome distributions per group. */
@Path("/aggregates")
@Produces(MediaType.APPLICATION_JSON)
public interface AggregatesClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(String from, String to, String groupBy, List<String> notes, List<Row> rows) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Row(String key, long sessions, long completed, long aborted, long faulted, Double utilization,
               Map<String, Distribution> outcomes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Distribution(long n, Double mean, Double median, Double q1, Double q3, Double shareMeaningful) {
    }

    @GET
    Uni<Answer> aggregates(@QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("clinicId") String clinicId, @QueryParam("mode") String mode,
                           @QueryParam("groupBy") String groupBy);
}
