package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A sub-manager for one call. The caller's arrays are lent to it ({@link #borrow}), so every array derived
 * from them lands here and is freed at {@link #close}, after which the borrowed arrays go back to their owners;
 * the one result the caller gets is moved out with {@link #keep}.
 */
final class CallScope implements AutoCloseable {

    private final NDManager manager;

    CallScope(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    NDManager manager() {
        return manager;
    }

    /** Lends {@code array} to this scope until it closes; arrays already here are left as they are. */
    NDArray borrow(NDArray array) {
        if (array.getManager() != manager) {
            array.tempAttach(manager);
        }
        return array;
    }

    /** Moves {@code result} to {@code owner}, so closing this scope leaves it alive. */
    NDArray keep(NDArray result, NDManager owner) {
        result.attach(owner);
        return result;
    }

    @Override
    public void close() {
        manager.close();
    }
}
