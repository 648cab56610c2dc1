package com.secondheart.gateway.receipts.model;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FrontierTest {

    private static Frontier.Settled e(long seq, long boot) {
        return new Frontier.Settled(seq, boot);
    }

    @Test
    void the_frontier_stops_at_the_first_hole_and_not_at_the_highest_event() {
        var frontier = Frontier.NONE.advance(List.of(e(1, 1), e(2, 1), e(3, 1), e(5, 1), e(6, 1)));

        assertEquals(new Frontier(3, 1), frontier);
    }

    @Test
    void a_filled_hole_moves_it_on_across_boots_naming_the_boot_of_its_last_event() {
        var frontier = new Frontier(3, 1).advance(List.of(e(4, 1), e(4, 1), e(5, 2), e(6, 2)));

        assertEquals(new Frontier(6, 2), frontier);
    }

    @Test
    void without_event_one_there_is_no_frontier() {
        assertEquals(Frontier.NONE, Frontier.NONE.advance(List.of(e(2, 1), e(3, 1))));
    }

    @Test
    void a_birth_saying_nothing_below_eleven_is_held_moves_it_to_ten_and_never_back() {
        var frontier = new Frontier(3, 1).floor(11, 2);
        assertEquals(new Frontier(10, 2), frontier);

        assertEquals(frontier, frontier.floor(5, 3), "an older birth lowers nothing");
        assertEquals(new Frontier(12, 2), frontier.advance(List.of(e(11, 2), e(12, 2), e(14, 2))));
    }
}
