package r1j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import r1j.tokenizer.Tokenizer;

/**
 * A corpus as one long token stream for next-token training (nanoGPT's packed data): every document is encoded,
 * followed by EOS, and concatenated; every 50th document goes to the validation stream instead. A batch is B random
 * windows of T+1 tokens; the windows of step s depend only on (seed, s), so a resumed run reads exactly the batches
 * an uninterrupted one would.
 */
public final class TokenStream {
    private final int[] train;
    private final int[] validation;

    private TokenStream(int[] train, int[] validation) {
        this.train = train;
        this.validation = validation;
    }

    public static TokenStream of(Path corpus, Tokenizer tok) throws IOException {
        if (!Files.isRegularFile(corpus)) throw new IllegalArgumentException(corpus + ": no such corpus file");
        int eos = tok.eosId();
        IntBuffer tr = new IntBuffer(), va = new IntBuffer();
        int doc = 0;
        try (var lines = Files.lines(corpus, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) continue;
                IntBuffer dst = doc++ % 50 == 49 ? va : tr;
                dst.addAll(tok.encode(line, false));
                dst.add(eos);
            }
        }
        return new TokenStream(tr.toArray(), va.toArray());
    }

    public int trainTokens() {
        return train.length;
    }

    public int validationTokens() {
        return validation.length;
    }

    /** ids and next-token targets for batch rows of seq tokens, drawn from the train or validation stream. */
    public record Batch(int[] ids, int[] targets) {}

    public Batch batch(boolean fromValidation, int batch, int seq, long seed, long step) {
        int[] src = fromValidation ? validation : train;
        if (src.length < seq + 2) throw new IllegalArgumentException("corpus too small for sequences of " + seq + " tokens");
        SplittableRandom r = new SplittableRandom(r1j.tensor.Seeds.mix(seed, step, fromValidation ? 1 : 0));
        int[] ids = new int[batch * seq], targets = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            int start = r.nextInt(src.length - seq - 1);
            System.arraycopy(src, start, ids, b * seq, seq);
            System.arraycopy(src, start + 1, targets, b * seq, seq);
        }
        return new Batch(ids, targets);
    }

    /** A growable int array. */
    static final class IntBuffer {
        int[] a = new int[1 << 16];
        int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) add(v);
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
