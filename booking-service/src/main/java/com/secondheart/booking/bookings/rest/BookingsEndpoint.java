package com.secondheart.booking.bookings.rest;

import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.bookings.service.BookingService;
import com.secondheart.booking.bookings.service.BookingView;
import com.secondheart.booking.bookings.service.NewBooking;
import com.secondheart.booking.bookings.service.Reschedule;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Bookings (docs/api.md). Clinic staff book, move, cancel, check in and complete at their clinics; operations and
 * other services read. Another clinic's booking and a missing one answer clinic staff with the same 403.
 */
@Path("/bookings")
@Produces(MediaType.APPLICATION_JSON)
public class BookingsEndpoint {

    private final BookingService bookings;

    public BookingsEndpoint(BookingService bookings) {
        this.bookings = bookings;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("BOOKING_CREATE")
    public Uni<RestResponse<BookingView>> create(@Valid @NotNull(message = "is required") NewBooking body) {
        return bookings.create(body)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("There is no clinic '" + body.clinicId() + "'."))
                .map(created -> RestResponse.ResponseBuilder
                        .<BookingView>created(URI.create("/bookings/" + created.bookingId())).entity(created).build());
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.SERVICE})
    public Uni<List<BookingView>> list(@QueryParam("clinicId") String clinicId, @QueryParam("from") String from,
                                       @QueryParam("to") String to, @QueryParam("status") BookingStatus status,
                                       @QueryParam("page") @DefaultValue("0") int page,
                                       @QueryParam("size") @DefaultValue("100") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw ProblemException.badRequest("'page' must be 0 or more and 'size' between 1 and 500.");
        }
        return bookings.list(clinicId, date("from", from), date("to", to), status, page, size);
    }

    @GET
    @Path("/{bookingId}")
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.SERVICE})
    public Uni<BookingView> get(@PathParam("bookingId") String bookingId) {
        return bookings.find(bookingId).onItem().ifNull().failWith(() -> missing(bookingId));
    }

    @POST
    @Path("/{bookingId}/reschedule")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("BOOKING_RESCHEDULE")
    public Uni<BookingView> reschedule(@PathParam("bookingId") String bookingId,
                                       @Valid @NotNull(message = "is required") Reschedule body) {
        return bookings.reschedule(bookingId, body).onItem().ifNull().failWith(() -> missing(bookingId));
    }

    @POST
    @Path("/{bookingId}/cancel")
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("BOOKING_CANCEL")
    public Uni<BookingView> cancel(@PathParam("bookingId") String bookingId) {
        return bookings.cancel(bookingId).onItem().ifNull().failWith(() -> missing(bookingId));
    }

    @POST
    @Path("/{bookingId}/check-in")
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("BOOKING_CHECK_IN")
    public Uni<BookingView> checkIn(@PathParam("bookingId") String bookingId) {
        return bookings.checkIn(bookingId).onItem().ifNull().failWith(() -> missing(bookingId));
    }

    @POST
    @Path("/{bookingId}/complete")
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("BOOKING_COMPLETE")
    public Uni<BookingView> complete(@PathParam("bookingId") String bookingId) {
        return bookings.complete(bookingId).onItem().ifNull().failWith(() -> missing(bookingId));
    }

    private static ProblemException missing(String bookingId) {
        return ProblemException.notFound("There is no booking '" + (bookingId.length() > 40 ? bookingId.substring(0, 40) + "..." : bookingId) + "'.");
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("The date '" + name + "' must be YYYY-MM-DD.");
        }
    }
}
