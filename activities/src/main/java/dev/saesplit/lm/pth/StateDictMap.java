package dev.saesplit.lm.pth;

import java.util.HashMap;
import java.util.LinkedHashMap;

/**
 * What a pickled {@code collections.OrderedDict} becomes. PyTorch state dicts carry a {@code _metadata}
 * attribute, restored through {@code __setstate__}; it holds module versions this reader has no use for.
 */
public final class StateDictMap extends LinkedHashMap<Object, Object> {

    private static final long serialVersionUID = 1L;

    /** Called reflectively by the unpickler's BUILD opcode; the state is dropped on purpose. */
    public void __setstate__(HashMap<String, Object> state) {
        // Only _metadata lives here, and it does not affect the tensors.
    }
}
