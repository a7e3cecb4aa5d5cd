package dev.canopy.grid;

import java.util.Set;

/** What a {@link StageFactory} reads: the results of the stages its stage comes after. */
public interface StageInputs {

    /**
     * The result of stage {@code stage}.
     *
     * @throws IllegalArgumentException when the stage being built does not come after {@code stage},
     *         naming the stages it does come after
     */
    <T> T get(String stage);

    /** The stages whose results can be read: those the stage being built comes after. */
    Set<String> stages();
}
