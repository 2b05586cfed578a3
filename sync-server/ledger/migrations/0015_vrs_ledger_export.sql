-- The national ledger export (VRS 予防接種台帳向け出力) becomes what 接種記録データの確認方法
-- publishes: one line per ticket of ONE municipality (the tickets' own), each dose in its
-- dose-number group. The per-dose file that was called 'vrs' until now stays as its own layout,
-- 'doses' (接種一覧), with the same content.

-- Whose tickets a VRS file holds. The export page lists, for a municipality, the batches whose
-- doses of it were never in a VRS file for it; this column and batch_ids answer that. Null for
-- the other layouts.
ALTER TABLE exports ADD COLUMN municipality char(6);

-- Files made before this migration under the name 'vrs' are per-dose files: relabel them
-- 'doses', the layout their bytes are. Only the label changes (file, hash and everything else
-- stay, so they download byte for byte); their audit entries keep the action 'export.vrs' they
-- were written with. The append-only trigger is lifted for this one statement only.
ALTER TABLE exports DROP CONSTRAINT exports_layout_check;
ALTER TABLE exports DISABLE TRIGGER exports_append_only;
UPDATE exports SET layout = 'doses' WHERE layout = 'vrs';
ALTER TABLE exports ENABLE TRIGGER exports_append_only;
ALTER TABLE exports ADD CONSTRAINT exports_layout_check CHECK (layout IN ('vrs', 'doses', 'full'));
ALTER TABLE exports ADD CONSTRAINT exports_vrs_municipality CHECK ((layout = 'vrs') = (municipality IS NOT NULL));
