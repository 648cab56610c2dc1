package com.secondheart.sequencer.control;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Puts a seeded test's display name ("seed 42") and how to replay it in front of its failure message: build logs
 * and surefire reports name a parameterized invocation only by its index.
 */
final class SeedInFailureMessage implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (thrown instanceof TestAbortedException) {
            throw thrown;
        }
        String seed = context.getDisplayName().replaceFirst("^seed ", "");
        AssertionError withSeed = new AssertionError(context.getDisplayName() + " (replay with -D"
                + PropertySeeds.PROPERTY + "=" + seed + "): " + thrown.getMessage(), thrown);
        withSeed.setStackTrace(thrown.getStackTrace());
        throw withSeed;
    }
}
