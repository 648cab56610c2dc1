package com.secondheart.telemetry.traces.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The partitioned {@code pressure_trace} table: one partition per UTC day, named {@code pressure_trace_pYYYYMMDD}.
 */
@ApplicationScoped
public class TraceRepository {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    /** One downsampled row: per zone (left 1..n, then right 1..n) set point, mean and max in mmHg. */
    public record TraceRow(String sessionId, Instant sampleTime, String unitId, String clinicId, int zonesPerLeg,
                           int samples, double[] setPoint, double[] mean, double[] max, boolean deviceTimeSuspect) {
    }

    /**
     * A unit traces only its own sessions (session ids are predictable): a row is not written for a session that
     * belongs to another unit, and rows of another unit than the session's are never read (docs/security.md).
     */
    private static final String INSERT = """
            insert into pressure_trace (session_id, sample_time, unit_id, clinic_id, zones_per_leg, samples, set_point,
                                        mean_mmhg, max_mmhg, device_time_suspect)
            select :sessionId, :sampleTime, :unitId, :clinicId, :zonesPerLeg, :samples, cast(cast(:setPoint as text) as real[]),
                   cast(cast(:mean as text) as real[]), cast(cast(:max as text) as real[]), :suspect
             where not exists (select 1 from sessions where session_id = :sessionId and unit_id <> :unitId)
            on conflict (session_id, sample_time) do nothing
            """;

    private static final String READ = """
            select sample_time, zones_per_leg, samples, cast(set_point as text), cast(mean_mmhg as text), cast(max_mmhg as text),
                   device_time_suspect
              from pressure_trace t
             where t.session_id = :sessionId
               and not exists (select 1 from sessions s where s.session_id = t.session_id and s.unit_id <> t.unit_id)
             order by sample_time
            """;

    public Uni<Void> insert(TraceRow row) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                        .setParameter("sessionId", row.sessionId())
                        .setParameter("sampleTime", row.sampleTime())
                        .setParameter("unitId", row.unitId())
                        .setParameter("clinicId", row.clinicId())
                        .setParameter("zonesPerLeg", (short) row.zonesPerLeg())
                        .setParameter("samples", (short) row.samples())
                        .setParameter("setPoint", array(row.setPoint()))
                        .setParameter("mean", array(row.mean()))
                        .setParameter("max", array(row.max()))
                        .setParameter("suspect", row.deviceTimeSuspect())
                        .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<List<TraceRow>> read(String sessionId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(READ, Object[].class)
                        .setParameter("sessionId", sessionId)
                        .getResultList())
                .map(rows -> rows.stream().map(r -> new TraceRow(sessionId, instant(r[0]), null, null,
                        ((Number) r[1]).intValue(), ((Number) r[2]).intValue(), parse((String) r[3]),
                        parse((String) r[4]), parse((String) r[5]), Boolean.TRUE.equals(r[6]))).toList());
    }

    /** Creates the day's partition unless it exists (another replica may create it at the same moment). */
    public Uni<Void> createPartition(LocalDate day) {
        var sql = "create table if not exists pressure_trace_p%s partition of pressure_trace for values from ('%s 00:00:00+00') to ('%s 00:00:00+00')"
                .formatted(day.format(SUFFIX), day, day.plusDays(1));
        return Panache.getSession().chain(session -> session.createNativeQuery(sql).executeUpdate()).replaceWithVoid();
    }

    /** The days that have a partition. */
    public Uni<List<LocalDate>> partitions() {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select cast(c.relname as text) from pg_inherits i
                          join pg_class c on c.oid = i.inhrelid
                          join pg_class p on p.oid = i.inhparent
                         where p.relname = 'pressure_trace'""", String.class).getResultList())
                .map(names -> names.stream().map(TraceRepository::dayOf).flatMap(Optional::stream).sorted().toList());
    }

    public Uni<Void> dropPartition(LocalDate day) {
        var sql = "drop table if exists pressure_trace_p" + day.format(SUFFIX);
        return Panache.getSession().chain(session -> session.createNativeQuery(sql).executeUpdate()).replaceWithVoid();
    }

    private static Optional<LocalDate> dayOf(String name) {
        if (!name.startsWith("pressure_trace_p") || name.length() != "pressure_trace_p".length() + 8) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(name.substring("pressure_trace_p".length()), SUFFIX));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String array(double[] values) {
        var parts = new ArrayList<String>(values.length);
        for (var value : values) {
            parts.add(Double.toString(Math.round(value * 10) / 10.0));
        }
        return "{" + String.join(",", parts) + "}";
    }

    private static double[] parse(String text) {
        var inner = text.replaceAll("[{}\\s]", "");
        if (inner.isEmpty()) {
            return new double[0];
        }
        return Arrays.stream(inner.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof java.time.LocalDateTime local) {
            return local.toInstant(java.time.ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }
}
