package dev.saesplit.lm.pth;

import java.util.Arrays;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a {@code torch.save} archive into plain Java: dicts become maps, tensors
 * become {@link TorchTensor} views of {@link TorchStorage}s whose bytes are read later, and nothing from
 * the pickle is ever executed; classes other than the few registered here become inert
 * {@code ClassDict}s.
 */
final class TorchUnpickler extends Unpickler {

    static {
        // The pickle library keeps constructors in one global table, so they are registered once, here.
        registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchUnpickler::rebuildTensor);
        registerConstructor("torch._utils", "_rebuild_tensor", TorchUnpickler::rebuildTensor);
        registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
        registerConstructor("torch._utils", "_rebuild_parameter_with_state", args -> args[0]);
        registerConstructor("collections", "OrderedDict", args -> new StateDictMap());
        for (TorchStorageType type : TorchStorageType.values()) {
            registerConstructor("torch", type.className(), type);
        }
    }

    /** {@code (storage, storage_offset, size, stride, ...)}; requires_grad and hooks do not matter here. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchStorage storage)) {
            throw new PickleException("_rebuild_tensor called with " + Arrays.deepToString(args));
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
            throw new PickleException("storage '" + id[2] + "' has a storage type that cannot be read as float: "
                    + describe(id[1]));
        }
        return new TorchStorage(type, String.valueOf(id[2]), asLong(id[4]));
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
        if (value instanceof IObjectConstructor) {
            return value.getClass().getSimpleName();
        }
        return value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
    }
}
