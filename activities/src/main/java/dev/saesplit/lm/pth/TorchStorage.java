package dev.saesplit.lm.pth;

/**
 * One storage of a {@code torch.save} archive, as its persistent id
 * {@code ('storage', storage_type, key, location, numel)} describes it; its bytes are the archive entry
 * {@code <prefix>/data/<key>}.
 */
record TorchStorage(TorchStorageType type, String key, long elements) {
}
