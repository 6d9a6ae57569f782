package dev.saesplit.lm.pth;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a {@code torch.save} archive into plain Java: dicts become maps, tensors
 * become {@link TorchTensor} views of {@link TorchStorage}s whose bytes are read later, and nothing from
 * the pickle is ever executed; classes other than the few registered here become inert
 * {@code ClassDict}s, and the library's own constructors (sets, byte arrays, dates) are never called.
 * Every opcode passes {@link PickleGuard} first, so what a pickle costs is bounded by its size.
 */
final class TorchUnpickler extends Unpickler {

    /** The only callables a pickle may invoke: those registered here. */
    private static final Set<IObjectConstructor> CALLABLES = Collections.newSetFromMap(new IdentityHashMap<>());

    static {
        // The pickle library keeps constructors in one global table, so they are registered once, here.
        register("torch._utils", "_rebuild_tensor_v2", TorchUnpickler::rebuildTensor);
        register("torch._utils", "_rebuild_tensor", TorchUnpickler::rebuildTensor);
        register("torch._utils", "_rebuild_parameter", args -> args[0]);
        register("torch._utils", "_rebuild_parameter_with_state", args -> args[0]);
        register("collections", "OrderedDict", args -> new StateDictMap());
        for (TorchStorageType type : TorchStorageType.values()) {
            register("torch", type.className(), type);
        }
    }

    private static void register(String module, String name, IObjectConstructor constructor) {
        registerConstructor(module, name, constructor);
        CALLABLES.add(constructor);
    }

    /**
     * Unpickles {@code pickle}, every opcode checked by {@link PickleGuard}; gives up with a
     * {@link PickleException} once {@code bound} has passed or the thread is interrupted.
     */
    Object loadChecked(byte[] pickle, Duration bound) throws IOException {
        PickleBytes bytes = new PickleBytes(pickle);
        CheckedStack checked = new CheckedStack();
        PickleGuard guard = new PickleGuard(bytes, checked, CALLABLES, System.nanoTime() + bound.toNanos());
        input = bytes;
        stack = checked;
        while (true) {
            int opcode = bytes.read();
            if (opcode < 0) {
                throw new PickleException("ends before its STOP opcode (truncated?)");
            }
            guard.check(opcode);
            Object result = dispatch((short) opcode);
            if (result != NO_RETURN_VALUE) {
                return result;
            }
        }
    }

    /** {@code (storage, storage_offset, size, stride, ...)}; requires_grad and hooks do not matter here. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchStorage storage)) {
            throw new PickleException("_rebuild_tensor called with " + PickleText.describe(args));
        }
        return new TorchTensor(storage, asLong(args[1]), asLongs(args[2]), asLongs(args[3]));
    }

    /** {@code ('storage', storage_type, key, location, numel)}, as {@code torch.save} writes it. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] id) || id.length < 5 || !"storage".equals(id[0])) {
            throw new PickleException("unexpected persistent id " + describe(pid));
        }
        if (!(id[1] instanceof TorchStorageType type)) {
            throw new PickleException("storage " + describe(id[2])
                    + " has a storage type that cannot be read as float: " + describe(id[1]));
        }
        if (!(id[2] instanceof String key)) {
            throw new PickleException("a storage key is " + describe(id[2]) + ", not a string");
        }
        return new TorchStorage(type, key, asLong(id[4]));
    }

    private static long asLong(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new PickleException("expected an integer, found " + describe(value));
    }

    private static long[] asLongs(Object value) {
        if (!(value instanceof Object[] tuple)) {
            throw new PickleException("expected a tuple of integers, found " + describe(value));
        }
        long[] longs = new long[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            longs[i] = asLong(tuple[i]);
        }
        return longs;
    }

    private static String describe(Object value) {
        return PickleText.describe(value);
    }
}
