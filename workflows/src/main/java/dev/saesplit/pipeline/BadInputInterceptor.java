package dev.saesplit.pipeline;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;

/**
 * Turns an activity's {@link BadInput} exception into a non-retryable failure that keeps its message and type,
 * so a bad spec, file or dataset fails the workflow at once instead of being retried forever.
 */
public final class BadInputInterceptor extends WorkerInterceptorBase {

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public ActivityOutput execute(ActivityInput input) {
                try {
                    return super.execute(input);
                } catch (RuntimeException e) {
                    // A checked exception arrives wrapped by the SDK; its cause is what the activity threw.
                    Throwable thrown = e instanceof BadInput || e.getCause() == null ? e : e.getCause();
                    if (thrown instanceof BadInput) {
                        throw ApplicationFailure.newNonRetryableFailureWithCause(thrown.getMessage(),
                                thrown.getClass().getName(), thrown instanceof Exception ex ? ex : e);
                    }
                    throw e;
                }
            }
        };
    }
}
