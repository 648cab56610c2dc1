package com.secondheart.protocol;

import java.util.List;

/** A message that can say what is wrong with it after its JSON has been read. */
public interface Validatable {

    /** Human-readable problems; empty when the message is valid. */
    List<String> violations();
}
