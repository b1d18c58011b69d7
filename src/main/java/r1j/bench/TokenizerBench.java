package r1j.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;

/** {@code r1j bench tokenizer}: encoding throughput in MB/s of UTF-8 input, on world-like text. */
public final class TokenizerBench {
    /** One tokenizer's encoding throughput and its bytes per token. */
    public record Result(String tokenizer, double mbPerSecond, double tokensPerSecond, double bytesPerToken) {}

    private TokenizerBench() {}

    /** Synthetic arithmetic documents in both languages, like the world's corpus. */
    public static List<String> sampleText(int docs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            int a = r.nextInt(10), b = r.nextInt(10), c = r.nextInt(10);
            out.add(r.nextBoolean()
                    ? "What is " + a + " + " + b + " * " + c + "? <think> " + b + " * " + c + " = " + (b * c) + ", " + a + " + "
                            + (b * c) + " = " + (a + b * c) + " </think> <answer> " + (a + b * c) + " </answer>"
                    : "¿Cuánto es " + a + " más " + b + " por " + c + "? Primero " + b + " por " + c + " son " + (b * c)
                            + ", y " + a + " más " + (b * c) + " son " + (a + b * c) + ".");
        }
        return out;
    }

    public static Result run(Tokenizer tok, String name, List<String> docs, double minSeconds) {
        long bytes = 0;
        for (String d : docs) bytes += d.getBytes(StandardCharsets.UTF_8).length;
        for (String d : docs) tok.encode(d, false);
        long tokens = 0, total = 0;
        long t0 = System.nanoTime();
        int rounds = 0;
        do {
            for (String d : docs) tokens += tok.encode(d, false).length;
            total += bytes;
            rounds++;
        } while ((System.nanoTime() - t0) / 1e9 < minSeconds);
        double sec = (System.nanoTime() - t0) / 1e9;
        return new Result(name, total / sec / 1e6, tokens / sec, (double) total / tokens);
    }

    public static Tokenizer worldTokenizer() {
        return BpeTrainer.train(sampleText(20_000, 1), 1024);
    }
}
