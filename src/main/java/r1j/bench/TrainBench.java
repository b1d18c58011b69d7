package r1j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import r1j.model.ModelConfig;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;

/**
 * {@code r1j bench train}: tokens per second of forward + backward + AdamW on a GPT-style stack (RMSNorm, causal
 * attention with RoPE, SwiGLU 8/3·d rounded to 64, untied head, no biases, float32) on random tokens.
 * scripts/bench_train.py builds the identical model in PyTorch for the side-by-side figure.
 */
public final class TrainBench {
    /** The shape of a benchmarked model and batch. */
    public record Spec(String name, int vocab, int dModel, int layers, int heads, int seq, int batch) {}

    public static final Spec A = new Spec("A", 512, 256, 4, 4, 256, 16);
    public static final Spec B = new Spec("B", 2048, 512, 8, 8, 512, 8);

    /** One training measurement: the shape, its parameters, the median step time and the loss reached. */
    public record Result(Spec spec, long parameters, double secondsPerStep, double tokensPerSecond, float loss) {}

    public static Spec byName(String name) {
        return switch (name.toUpperCase()) {
            case "A" -> A;
            case "B" -> B;
            default -> throw new IllegalArgumentException("bench train: unknown config '" + name + "' (A or B)");
        };
    }

    /** Runs warmup untimed steps then steps timed ones; returns the median step time. */
    public static Result run(Spec s, int warmup, int steps, long seed) {
        ModelConfig cfg = ModelConfig.dense(ModelConfig.LLAMA).vocabSize(s.vocab()).hiddenSize(s.dModel())
                .numHiddenLayers(s.layers()).numAttentionHeads(s.heads()).numKeyValueHeads(s.heads())
                .intermediateSize(swigluWidth(s.dModel())).maxPositionEmbeddings(s.seq()).build();
        Transformer model = Transformer.init(cfg, seed);
        List<Tensor> params = model.trainable();
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        Batch b = Batch.random(s.batch(), s.seq(), s.vocab(), seed + 1);
        double[] times = new double[steps];
        float loss = 0;
        for (int it = 0; it < warmup + steps; it++) {
            long t0 = System.nanoTime();
            loss = step(model, params, opt, b, 3e-4f);
            if (it >= warmup) times[it - warmup] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double med = sorted[steps / 2];
        return new Result(s, model.parameterCount(), med, s.batch() * s.seq() / med, loss);
    }

    /** batch sequences of seq tokens and their next-token targets (the last of each sequence ignored). */
    record Batch(int[] ids, int[] targets, int batch, int seq) {
        static Batch random(int batch, int seq, int vocab, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = batch * seq;
            int[] ids = new int[n], targets = new int[n];
            for (int i = 0; i < n; i++) ids[i] = rng.nextInt(vocab);
            for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : ids[i + 1];
            return new Batch(ids, targets, batch, seq);
        }
    }

    /** One training step as every training benchmark times it: loss, backward, clipping at 1, AdamW at lr; the loss. */
    static float step(Transformer m, List<Tensor> params, AdamW opt, Batch b, float lr) {
        for (Tensor p : params) p.zeroGrad();
        Tensor l = m.loss(b.ids(), b.targets(), b.batch(), b.seq(), Transformer.LossOptions.NONE).total();
        l.backward();
        AdamW.clipGradNorm(params, 1f);
        opt.step(lr);
        float loss = l.item();
        l.releaseGraph();
        return loss;
    }

    /** SwiGLU width as LLaMA sizes it: 8/3·d rounded up to a multiple of 64. */
    public static int swigluWidth(int d) {
        int w = (int) Math.ceil(8.0 * d / 3.0);
        return (w + 63) / 64 * 64;
    }

    public static List<Spec> all() {
        return new ArrayList<>(List.of(A, B));
    }
}
