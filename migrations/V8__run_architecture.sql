-- The SAE architecture a run-table row trains and its settings. Rows written before architectures existed,
-- and rows that name none, train ReLU with the L1 penalty, the seed study's architecture.
ALTER TABLE runs ADD COLUMN architecture TEXT NOT NULL DEFAULT 'relu'
    CHECK (architecture IN ('relu', 'topk', 'batchtopk', 'jumprelu', 'matryoshka'));
-- latents per token: exact for topk, on average for batchtopk and matryoshka
ALTER TABLE runs ADD COLUMN architecture_k DOUBLE PRECISION;
-- matryoshka's group sizes, innermost first
ALTER TABLE runs ADD COLUMN architecture_groups INTEGER[];
-- jumprelu's L0 penalty coefficient
ALTER TABLE runs ADD COLUMN architecture_l0_coefficient DOUBLE PRECISION;
