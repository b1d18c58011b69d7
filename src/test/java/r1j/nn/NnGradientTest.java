package r1j.nn;

import static r1j.testing.GradCheck.check;
import static r1j.testing.GradCheck.randn;

import java.util.List;
import org.junit.jupiter.api.Test;
import r1j.tensor.Tensor;

/** Finite-difference checks of the fused layers in package nn. */
class NnGradientTest {
    @Test
    void embeddingWithRepeatedIds() {
        Tensor w = randn("embed", 1, 1f, 6, 5);
        check(() -> Embedding.lookup(w, new int[] {1, 4, 1, 0, 5, 1}), List.of(w));
    }

    @Test
    void rmsnorm() {
        Tensor x = randn("x", 2, 1f, 4, 24), w = randn("w", 3, 1f, 24);
        check(() -> RMSNorm.apply(x, w, 1e-6f), List.of(x, w));
    }

    @Test
    void ropeBothLayoutsAndPartialSlices() {
        Tensor x = randn("x", 4, 1f, 5, 3 * 12);
        int[] pos = {0, 1, 2, 7, 3};
        RopeTable t8 = RopeTable.standard(8, 10000.0);
        check(() -> Rope.apply(x, pos, 3, 12, 4, t8, true), List.of(x));
        check(() -> Rope.apply(x, pos, 3, 12, 0, t8, false), List.of(x));
        RopeTable t12 = RopeTable.standard(12, 500.0);
        check(() -> Rope.apply(x, pos, 3, 12, 0, t12, false), List.of(x));
    }

    @Test
    void causalAttentionMha() {
        Tensor q = randn("q", 5, 1f, 2 * 7, 2 * 8), k = randn("k", 6, 1f, 2 * 7, 2 * 8), v = randn("v", 7, 1f, 2 * 7, 2 * 8);
        check(() -> Attention.causal(q, k, v, Attention.Shape.of(2, 7, 2, 2, 0.35f)), List.of(q, k, v));
    }

    @Test
    void causalAttentionGroupedQueryAndMlaShapes() {
        // 4 query heads over 2 kv heads; dqk 6 differs from dv 5 as in MLA's naive form.
        Tensor q = randn("q", 8, 1f, 9, 4 * 6), k = randn("k", 9, 1f, 9, 2 * 6), v = randn("v", 10, 1f, 9, 2 * 5);
        check(() -> Attention.causal(q, k, v, Attention.Shape.of(1, 9, 4, 2, 0.4f)), List.of(q, k, v));
    }

    @Test
    void causalAttentionAcrossKeyBlocks() {
        // 150 positions: more than two key blocks of 64, so the online rescaling between blocks is exercised.
        Tensor q = randn("q", 11, 1.5f, 150, 8), k = randn("k", 12, 1.5f, 150, 8), v = randn("v", 13, 1f, 150, 8);
        check(() -> Attention.causal(q, k, v, Attention.Shape.of(1, 150, 1, 1, 0.5f)), List.of(q, k, v));
    }

    @Test
    void causalAttentionWithSharedPrefix() {
        // 5 shared rows, then 3 sequences of 4; grouped-query heads and dqk ≠ dv as above.
        Tensor q = randn("q", 15, 1f, 17, 4 * 6), k = randn("k", 16, 1f, 17, 2 * 6), v = randn("v", 17, 1f, 17, 2 * 5);
        check(() -> Attention.causal(q, k, v, new Attention.Shape(5, 3, 4, 4, 2, 0.4f)), List.of(q, k, v));
        // A prefix longer than a key block, so each sequence's first segment spans two blocks.
        Tensor q2 = randn("q", 18, 1.5f, 70 + 2 * 3, 8), k2 = randn("k", 19, 1.5f, 76, 8), v2 = randn("v", 20, 1f, 76, 8);
        check(() -> Attention.causal(q2, k2, v2, new Attention.Shape(70, 2, 3, 1, 1, 0.5f)), List.of(q2, k2, v2));
    }

    @Test
    void crossEntropyIgnoresMaskedTargets() {
        Tensor logits = randn("logits", 14, 1f, 6, 9);
        int[] targets = {1, -1, 8, 0, -1, 4};
        check(() -> CrossEntropy.apply(logits, targets).loss(), List.of(logits));
    }
}
