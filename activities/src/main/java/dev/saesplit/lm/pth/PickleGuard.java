package dev.saesplit.lm.pth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.objects.ClassDictConstructor;

/**
 * Looks at each opcode of a pickle before the unpickler runs it, and refuses what would cost time or memory
 * out of proportion to the file: a length prefix longer than the bytes left, an integer of thousands of digits
 * (converting one is quadratic), a list or dict used as a dict key or set element (Python refuses these as
 * unhashable; hashing a list that holds itself twice per level doubles per level), a call to anything but the
 * few constructors a state dict needs, more opcodes than any state dict has, or a load past its time bound.
 */
final class PickleGuard {

    /** Opcodes in one pickle; a state dict spends a few dozen per tensor. */
    static final long MAX_OPCODES = 1_000_000;
    /** Digits of one integer (Python's own default limit for converting an int from text). */
    static final int MAX_INT_DIGITS = 4300;
    /** Bytes of one binary integer: as many as {@link #MAX_INT_DIGITS} decimal digits need. */
    static final int MAX_INT_BYTES = 1786;
    /** Opcodes between two looks at the clock and at the thread's interrupt flag. */
    private static final int CHECK_EVERY = 1024;

    private final PickleBytes input;
    private final CheckedStack stack;
    private final Set<IObjectConstructor> callables;
    private final long deadlineNanos;
    private long opcodes;

    PickleGuard(PickleBytes input, CheckedStack stack, Set<IObjectConstructor> callables, long deadlineNanos) {
        this.input = input;
        this.stack = stack;
        this.callables = callables;
        this.deadlineNanos = deadlineNanos;
    }

    /** Throws a {@link PickleException} if {@code opcode}, about to run, must not. */
    void check(int opcode) {
        if (++opcodes > MAX_OPCODES) {
            throw new PickleException("holds more than " + MAX_OPCODES + " opcodes; no state dict needs so many");
        }
        if (opcodes % CHECK_EVERY == 0) {
            checkTimeAndInterrupt();
        }
        switch (opcode) {
            case 'X', 'B', 'T' -> checkLength(input.peekLittleEndian(4), opcode);
            case 0x8d, 0x8e, 0x96, 0x95 -> checkLength(input.peekLittleEndian(8), opcode);
            case 0x8b -> checkIntegerBytes(input.peekLittleEndian(4));
            case 'I', 'L' -> checkIntegerDigits();
            case 's' -> checkKey(stack.below(1));
            case 'u', 'd' -> checkKeys(stack.sinceMarker(), 2);
            case 0x90, 0x91 -> checkKeys(stack.sinceMarker(), 1);
            case 'R', 0x81 -> checkCallable(stack.below(1));
            case 0x92 -> checkCallable(stack.below(2));
            case 'i', 'o' -> throw new PickleException("builds an object with opcode " + name(opcode)
                    + ", which torch.save never writes");
            default -> {
                // Every other opcode costs constant time and memory.
            }
        }
    }

    private void checkTimeAndInterrupt() {
        if (Thread.currentThread().isInterrupted()) {
            throw new PickleException("loading was cancelled");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new PickleException("takes longer to unpickle than its time bound allows");
        }
    }

    private void checkLength(long length, int opcode) {
        long left = input.remaining() - prefixBytes(opcode);
        if (length < 0 || length > left) {
            throw new PickleException("opcode " + name(opcode) + " at byte " + (input.position() - 1)
                    + " claims " + length + " bytes; only " + Math.max(left, 0) + " follow (truncated?)");
        }
    }

    private void checkIntegerBytes(long length) {
        if (length < 0 || length > MAX_INT_BYTES) {
            throw new PickleException("holds an integer of " + length + " bytes at byte " + (input.position() - 1)
                    + "; at most " + MAX_INT_BYTES + " are read");
        }
        checkLength(length, 0x8b);
    }

    private void checkIntegerDigits() {
        int lineLength = input.lineLength(MAX_INT_DIGITS + 2);
        if (lineLength < 0) {
            throw new PickleException("holds an integer of more than " + MAX_INT_DIGITS + " digits at byte "
                    + (input.position() - 1));
        }
    }

    private void checkKeys(List<Object> items, int step) {
        for (int i = 0; i < items.size(); i += step) {
            checkKey(items.get(i));
        }
    }

    private static void checkKey(Object key) {
        if (key instanceof Collection<?> || key instanceof Map<?, ?>) {
            String type = key instanceof Map<?, ?> ? "dict" : key instanceof Set<?> ? "set" : "list";
            throw new PickleException("uses a " + type + " as a dict key or set element; "
                    + "Python refuses these as unhashable");
        }
    }

    private void checkCallable(Object callable) {
        if (callables.contains(callable) || callable instanceof ClassDictConstructor) {
            return;
        }
        throw new PickleException("calls " + PickleText.describe(callable)
                + ", which a state dict never needs; only torch's tensor and storage constructors are run");
    }

    /** Bytes of the length field that follows {@code opcode}. */
    private static int prefixBytes(int opcode) {
        return switch (opcode) {
            case 0x8d, 0x8e, 0x96, 0x95 -> 8;
            default -> 4;
        };
    }

    private static String name(int opcode) {
        return opcode >= 0x20 && opcode < 0x7f ? "'" + (char) opcode + "'" : String.format("0x%02x", opcode);
    }
}
